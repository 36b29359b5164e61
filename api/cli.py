"""`sfreg serve`: run the HTTP service with uvicorn."""

from typing import Annotated

import typer
import uvicorn


def serve(host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port")] = 8000,
          workers: Annotated[int, typer.Option(help="worker processes (each keeps its index in step)")] = 1,
          access_log: Annotated[bool, typer.Option(help="log every request (costs ~3x throughput on the "
                                                        "validation hot path; off by default)")] = False,
          ) -> None:
    """Serve the API and the pages. Run `sfreg db upgrade` first."""
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", access_log=access_log, proxy_headers=True)
