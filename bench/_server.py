"""Run `sfreg serve` on a free port against a seeded temporary SQLite database, for HTTP benchmarks."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SFREG = [sys.executable, "-m", "sfreg_cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(workers: int = 2, env: dict[str, str] | None = None) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield (base URL, environment) of a seeded server; a token for each role is in env['TOKEN_<ROLE>']."""
    home = tempfile.mkdtemp(prefix="sfreg-bench-server-")
    env = {**os.environ, "SFREG_HOME": home, "SFREG_DATABASE_URL": f"sqlite:///{home}/sfreg.db", **(env or {})}
    for args in (["db", "upgrade"], ["db", "seed", "--samples"]):
        subprocess.run([*SFREG, *args], cwd=REPO, env=env, check=True, capture_output=True)
    for role in ("editor", "reviewer", "admin"):
        out = subprocess.run([*SFREG, "token", "create", "--name", f"bench-{role}", "--role", role], cwd=REPO,
                             env=env, check=True, capture_output=True, text=True).stdout
        env[f"TOKEN_{role.upper()}"] = out.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen([*SFREG, "serve", "--port", str(port), "--workers", str(workers)], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + "/readyz", timeout=1).read()
            return
        time.sleep(0.2)
    raise RuntimeError(f"server at {base} did not become ready")
