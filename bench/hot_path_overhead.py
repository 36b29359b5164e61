"""What metrics and rate limits cost the validation hot path: GET /api/v1/validate/isin/{code}, in process.

    .venv/bin/python bench/hot_path_overhead.py [-n 20000] [--rounds 5] [--multiprocess]

Serves a migrated, seeded temporary SQLite registry through the ASGI app called directly (no socket, no
HTTP parser: what remains is exactly the app's own work) and times, in CPU time of the serving thread (wall
time on a shared 2-core machine is mostly other processes' noise), N GETs drawn from 1,000 real-shaped
and corrupted ISINs, alternating two builds of the same app every 500 requests (the median chunk counts):
`without` — the app with the metrics and rate-limit middlewares removed and verdict counting off (the
code before issue 11's items 16–17), and `with` — the app as served. Prints µs per request for both and
the difference. `--multiprocess` runs with PROMETHEUS_MULTIPROC_DIR set (what `sfreg serve --workers N`
does), where every count is a write to a memory-mapped file.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHUNK = 500


def _setup(multiprocess: bool) -> None:
    home = tempfile.mkdtemp(prefix="sfreg-bench-hot-")
    os.environ.update(SFREG_HOME=home, SFREG_DATABASE_URL=f"sqlite:///{home}/sfreg.db")
    if multiprocess:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="sfreg-bench-prom-")
    for args in (["db", "upgrade"], ["db", "seed"]):
        subprocess.run([sys.executable, "-m", "sfreg_cli", *args], cwd=REPO, check=True, capture_output=True)


def _codes(n: int, rng: random.Random) -> list[str]:
    sys.path.insert(0, str(REPO))
    from codes.validators import isin
    bodies = ["CNE" + "".join(rng.choices("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", k=8)) for _ in range(1000)]
    codes = [b + isin.calc_check_digit(b) for b in bodies]
    codes = [c if i % 3 else c[:-1] + str((int(c[-1]) + 1) % 10) for i, c in enumerate(codes)]
    return [rng.choice(codes) for _ in range(n)]


def _app(instrumented: bool):
    from api import metrics, ratelimit
    from api.app import create_app
    app = create_app()
    if not instrumented:
        app.user_middleware = [m for m in app.user_middleware
                               if m.cls not in (metrics.RequestMetrics, ratelimit.RateLimit)]
    return app


async def _run(app, codes: list[str]) -> float:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)
    started = time.thread_time()
    for code in codes:
        path = f"/api/v1/validate/isin/{code}"
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
                 "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1), "server": ("bench", 80)}
        await app(scope, receive, send)
    elapsed = time.thread_time() - started
    assert all(m["status"] == 200 for m in sent if m["type"] == "http.response.start"), "non-200 answer"
    return elapsed / len(codes) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--multiprocess", action="store_true")
    args = parser.parse_args()
    _setup(args.multiprocess)
    sys.path.insert(0, str(REPO))
    from api import metrics
    codes = _codes(args.n, random.Random(6166))
    apps = {"without": _app(False), "with": _app(True)}
    counting = metrics.count_verdict
    timings: dict[str, list[float]] = {name: [] for name in apps}
    loop = asyncio.new_event_loop()
    for name, app in apps.items():  # warm: caches filled, middleware stacks built
        metrics.count_verdict = counting if name == "with" else (lambda kind, valid: None)
        loop.run_until_complete(_run(app, codes[:2000]))
    chunks = [codes[i:i + CHUNK] for i in range(0, len(codes), CHUNK)]
    for _ in range(args.rounds):
        for chunk in chunks:  # alternate often: the machine's load drifts within seconds
            for name, app in apps.items():
                metrics.count_verdict = counting if name == "with" else (lambda kind, valid: None)
                timings[name].append(loop.run_until_complete(_run(app, chunk)))
    metrics.count_verdict = counting
    mode = "multiprocess (PROMETHEUS_MULTIPROC_DIR set)" if args.multiprocess else "single process"
    print(f"GET /api/v1/validate/isin/{{code}} in process, {args.n} requests x {args.rounds} rounds, {mode}")
    for name, values in timings.items():
        print(f"  {name:8s} median {statistics.median(values):7.2f} µs/request, best chunk {min(values):.2f} "
              f"({len(values)} chunks of {CHUNK})")
    extra = statistics.median(timings["with"]) - statistics.median(timings["without"])
    print(f"  cost of metrics + rate-limit layers: {extra:+.2f} µs/request "
          f"({extra / statistics.median(timings['without']) * 100:+.1f} %)")


if __name__ == "__main__":
    main()
