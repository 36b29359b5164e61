"""The FastAPI application: the composition root of the HTTP service."""

from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from sqlalchemy import text
from starlette.routing import Route

from api import lifecycle, metrics, problems, ratelimit
from api.deps import SessionDep, reader
from api.limits import BodyLimit
from api.nul_guard import NulGuard
from api.pages.routes import mount as mount_pages
from api.routes import check as check_routes
from api.routes import classifications as classification_routes
from api.routes import codes as codes_routes
from api.routes import comments as comments_routes
from api.routes import documents as documents_routes
from api.routes import imports as imports_routes
from api.routes import releases as releases_routes
from api.routes import search as search_routes
from api.routes import standards as standards_routes
from api.routes import terms as terms_routes
from api.routes import validate as validate_routes
from registry.settings import get_settings

API_PREFIX = "/api/v1"

PROBLEM_SCHEMA = {
    "type": "object", "description": "RFC 9457 problem details",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}, "instance": {"type": "string"},
                   "errors": {"type": "array", "items": {"type": "object"}}},
    "required": ["type", "title", "status", "detail"],
}


@asynccontextmanager
async def lifespan(app: FastAPI):
    lifecycle.start(app)
    try:
        yield
    finally:
        lifecycle.stop(app)


def create_app() -> FastAPI:
    settings = get_settings()
    # FastAPI's native OpenTelemetry instrumentation runs on every request even without an exporter; off
    # unless asked for, it costs the validation hot path about half its throughput.
    off = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}
    # /docs and /redoc load Swagger UI and ReDoc from the installed fastapi-offline package, not a CDN
    # (the deployment targets have no internet).
    app = FastAPIOffline(title="sfreg — 证券期货业术语库与通用编码库", version="0.1.0", lifespan=lifespan,
                         telemetry=None if settings.telemetry else off,
                         description="Terminology and code registry for China's securities and futures "
                                     "industry. Reads are public; writes need `Authorization: Bearer <token>`.")
    problems.install(app)
    # Flat, and validation first: every route level and every route ahead of a match costs time on the
    # hot path (high-volume GET /validate); measured ~4x cheaper than one nested /api/v1 router.
    # comments before imports: its /imports/comments/{release} upload must not fall into /imports/{dataset}
    for module in (validate_routes, search_routes, terms_routes, codes_routes, releases_routes, comments_routes,
                   imports_routes, documents_routes, standards_routes, classification_routes, check_routes):
        app.include_router(module.router, prefix=API_PREFIX, dependencies=[Depends(reader)])
    app.include_router(_health_router())
    # The hot validation GET and the health probes are matched before the routers' many routes; /healthz,
    # which load balancers poll, is a bare Starlette route (the APIRoute behind it documents it).
    health = app.router.routes.pop()
    app.router.routes[0:0] = [*validate_routes.fast_routes(API_PREFIX), Route("/healthz", _healthz, methods=["GET"]),
                              health]
    app.add_middleware(NulGuard)  # inside BodyLimit: reads JSON and form bodies already capped
    app.add_middleware(BodyLimit, default=settings.max_body_bytes, upload=settings.max_upload_bytes,
                       upload_prefix=f"{API_PREFIX}/imports",
                       paths={f"{API_PREFIX}/check": settings.max_check_bytes, "/check": settings.max_check_bytes})
    # Outside the body limit: an over-limit write is refused before its body is read (api/ratelimit.py).
    app.state.limiter = ratelimit.Limiter(settings)
    app.add_middleware(ratelimit.RateLimit, limiter=app.state.limiter, api_prefix=API_PREFIX)
    app.add_middleware(metrics.RequestMetrics)  # outermost: every answer counted, 429s and 413s included
    app.router.routes.append(Route("/metrics", metrics.metrics_endpoint, methods=["GET"]))
    app.openapi = lambda: _openapi(app)
    mount_pages(app)  # HTML pages for browsers (api/pages)
    return app


async def _healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


def _health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @router.get("/readyz", responses=problems.problems(problems.InternalError))
    def readyz(session: SessionDep) -> dict[str, Any]:
        """Readiness: the database answers."""
        session.exec(text("SELECT 1"))
        return {"status": "ready"}

    return router


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        _require_if_match(schema)
        app.openapi_schema = schema
    return app.openapi_schema


def _require_if_match(schema: dict[str, Any]) -> None:
    """An operation that answers 428 without If-Match requires it: say so in the schema (the parameter is
    optional in the route's signature so that the service, not FastAPI, answers its absence)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "428" in operation.get("responses", {}):
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match":
                        parameter["required"] = True
