"""`sfreg serve`: run the HTTP service with uvicorn."""

import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer


def serve(host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port")] = 8000,
          workers: Annotated[int, typer.Option(help="worker processes (each keeps its index in step)")] = 1,
          access_log: Annotated[bool, typer.Option(help="log every request (costs ~3x throughput on the "
                                                        "validation hot path; off by default)")] = False,
          ) -> None:
    """Serve the API and the pages. Run `sfreg db upgrade` and `sfreg db seed` first."""
    import uvicorn  # here, not at the top: `sfreg --help` must not pay for the server's imports
    with metrics_folder(workers):
        # timeout_worker_healthcheck: a worker rebuilding its term-checking automaton holds the GIL for the
        # automaton's last step (C code: ~1 s per 300,000 forms here, far more on a loaded machine); uvicorn's
        # default 5 s would kill it mid-build and the restarted worker would build again.
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info", log_config=log_config(), access_log=access_log, proxy_headers=True,
                    timeout_worker_healthcheck=60)


def log_config() -> dict:
    """uvicorn's logging, and the service's own loggers at INFO on the same handler (the index's start-up
    line, each unexpected error once, with its traceback)."""
    from uvicorn.config import LOGGING_CONFIG
    config = copy.deepcopy(LOGGING_CONFIG)
    for name in ("sfreg", "api", "registry", "terms", "codes", "importers"):
        config["loggers"][name] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


@contextmanager
def metrics_folder(workers: int) -> Iterator[None]:
    """Several workers keep their /metrics counts in files (prometheus-client multiprocess mode): in
    $PROMETHEUS_MULTIPROC_DIR when set, else in a temporary folder removed at exit; emptied at start."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if workers <= 1 and not given:
        yield
        return
    folder = Path(given or tempfile.mkdtemp(prefix="sfreg-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # counts of an earlier run would be added to this one's
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    try:
        yield
    finally:
        if not given:
            shutil.rmtree(folder, ignore_errors=True)
