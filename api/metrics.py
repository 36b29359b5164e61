"""Prometheus metrics (prometheus-client), served at /metrics.

Counted as they happen: requests and their latency per route template (`/api/v1/validate/{kind}/{code}`,
never the raw path; `<unmatched>` for 404s), validation verdicts per kind, import rows per outcome and
import durations. Read when scraped, in the process that answers: the search index's lag behind the
database in revisions, the change counters, and the age of this process's last look at the code library's
change counter (how stale validation may be: at most a second while validation runs).

Several workers (`sfreg serve --workers N`) share their counts through prometheus-client's multiprocess
mode: the serve command points PROMETHEUS_MULTIPROC_DIR at a fresh folder before the workers start, and a
scrape of any worker adds up every worker's files. One process keeps them in memory.

/metrics needs a bearer token of any role unless SFREG_METRICS_PUBLIC=true: the figures (traffic, failures,
limits) help whoever probes the service, and a scraper is easily given a token.
"""

import os
from collections.abc import Iterable, Iterator
from time import perf_counter
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import search_index
from codes import row_cache
from codes.service import CHANGE_TOPIC
from registry import changes
from registry.auth import authenticate
from registry.database import get_engine
from registry.errors import Unauthenticated
from registry.settings import get_settings

UNMATCHED = "<unmatched>"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
IMPORT_BUCKETS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)

# One histogram serves both: its `_count` is the number of requests (one observation instead of an
# observation and an increment on every request, the validation hot path included).
LATENCY = Histogram("sfreg_http_request_duration_seconds", "Time to answer HTTP requests (its _count: how many), "
                    "by route template and status", ["method", "route", "status"], buckets=LATENCY_BUCKETS)
VERDICTS = Counter("sfreg_validation_verdicts", "Codes validated, by kind and verdict (valid or invalid)",
                   ["kind", "verdict"])
IMPORT_ROWS = Counter("sfreg_import_rows", "Rows of written imports, by dataset and outcome", ["dataset", "outcome"])
IMPORT_SECONDS = Histogram("sfreg_import_duration_seconds", "Time of an import, by dataset and result",
                           ["dataset", "result"], buckets=IMPORT_BUCKETS)

_verdicts: dict[tuple[str, bool], Any] = {}


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class RequestMetrics:
    """ASGI middleware: counts every HTTP request and its latency under its route template. Per request it
    costs a dict lookup and one observation (bench/hot_path_overhead.py measures it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.templates: dict[int, str] | None = None
        self.children: dict[tuple[str, int, int], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
        try:
            await self.app(scope, receive, sending)
        finally:
            key = (scope["method"], id(scope.get("route") or scope.get("endpoint")), status)
            (self.children.get(key) or self._child(scope, key)).observe(perf_counter() - started)

    def _child(self, scope: Scope, key: tuple[str, int, int]) -> Any:
        """The histogram child of (method, route, status), made on first use: templates are resolved once."""
        if self.templates is None:
            self.templates = route_templates(scope["app"].routes)
        child = self.children[key] = LATENCY.labels(key[0], self.templates.get(key[1], UNMATCHED), str(key[2]))
        return child


def route_templates(routes: Iterable[Any]) -> dict[int, str]:
    """The full path template of every route, by the id of the object routing leaves in the scope: the
    route (FastAPI routes of included routers, under "route") or the endpoint (plain Starlette routes and
    mounts, under "endpoint"). Ids of objects the app keeps alive: routes are not hashable."""
    found: dict[int, str] = {}
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        pairs = [(c.original_route, c.path_format) for c in contexts()] if contexts else [(route, route.path)]
        for original, path in pairs:
            found[id(original)] = path
            endpoint = getattr(original, "endpoint", None) or getattr(original, "app", None)
            if endpoint is not None:
                found.setdefault(id(endpoint), path)
    return found


def count_verdict(kind: str, valid: bool) -> None:
    """One validated code of `kind` (the single-code GET: kept to a dict lookup and an increment)."""
    child = _verdicts.get((kind, valid))
    if child is None:
        child = _verdicts[(kind, valid)] = VERDICTS.labels(kind, "valid" if valid else "invalid")
    child.inc()


def count_verdicts(kind: str, results: Iterable[dict[str, Any]]) -> None:
    """The verdicts of a batch."""
    valid = total = 0
    for result in results:
        total += 1
        valid += bool(result["valid"])
    if valid:
        VERDICTS.labels(kind, "valid").inc(valid)
    if total - valid:
        VERDICTS.labels(kind, "invalid").inc(total - valid)


def record_import(dataset: str, report: Any, seconds: float) -> None:
    """An import's duration and, when it was written, its rows per outcome (created, updated, …)."""
    result = "rejected" if report.rejected else "dry_run" if report.dry_run else "written"
    IMPORT_SECONDS.labels(dataset, result).observe(seconds)
    if result == "written":
        for outcome, rows in report.counts.items():
            if rows:
                IMPORT_ROWS.labels(dataset, outcome).inc(rows)


class StateCollector(Collector):
    """Gauges read at scrape time: index lag, change counters, change-counter age."""

    def collect(self) -> Iterator[Metric]:
        engine = get_engine()
        lag = GaugeMetricFamily("sfreg_search_index_lag_revisions",
                                "Concept revisions in the database not yet in this worker's search index")
        index = search_index.current_index()
        if index is not None:
            lag.add_metric([], max(0, search_index.terms_source(engine).max_id() - index.state.get("max_id", 0)))
        yield lag
        counter = GaugeMetricFamily("sfreg_change_counter", "Committed writes per topic (registry.changes)",
                                    labels=["topic"])
        with engine.connect() as conn:
            for topic, n in sorted(changes.counters(conn).items()):
                counter.add_metric([topic], n)
        yield counter
        age = GaugeMetricFamily("sfreg_change_counter_age_seconds", "Seconds since this worker's validation "
                                "cache last read the change counter", labels=["topic"])
        seconds = row_cache.counter_age(engine)
        if seconds is not None:
            age.add_metric([CHANGE_TOPIC], seconds)
        yield age

    def describe(self) -> Iterator[Metric]:
        return iter(())


REGISTRY.register(StateCollector())


def exposition() -> bytes:
    """The text exposition: this process's registry, or every worker's files in multiprocess mode."""
    if not multiprocess():
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    registry.register(StateCollector())
    return generate_latest(registry)


def _require_token(request: Request) -> None:
    if get_settings().metrics_public:
        return
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise Unauthenticated("/metrics needs 'Authorization: Bearer <token>' (any role) unless "
                              "SFREG_METRICS_PUBLIC=true")
    with Session(get_engine()) as session:
        authenticate(session, secret)


def metrics_endpoint(request: Request) -> Response:
    """GET /metrics (a plain Starlette route: run in the thread pool, as it reads the database)."""
    _require_token(request)
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
