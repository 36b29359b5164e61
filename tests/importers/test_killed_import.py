"""A killed import (SIGKILL half-way through `sfreg import isin` on a big file) leaves the database as it was:
the whole import is one transaction, so the rows it had already written were never committed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bulk_helpers import count
from sqlalchemy import text

from codes.validators.isin import calc_check_digit

REPO = Path(__file__).resolve().parents[2]
ROWS = 200_000
WRITTEN_BYTES = 2 << 20


def big_isin_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("isin,name_en,cfi,local_code\n")
        for n in range(rows):
            body = f"XS{n:09d}"
            out.write(f"{body}{calc_check_digit(body)},Bond number {n},DBFTFB,B{n}\n")


def written_bytes(engine, database_url: str) -> int:
    """How much the running import has written, uncommitted (SQLite: the WAL; PostgreSQL: the heap)."""
    if engine.dialect.name == "sqlite":
        wal = Path(database_url.removeprefix("sqlite:///") + "-wal")
        return wal.stat().st_size if wal.exists() else 0
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_relation_size('code_revision')")).scalar()


@pytest.mark.slow
def test_sigkill_mid_import_leaves_the_database_unchanged(engine, database_url, seeded_codes, tmp_path):
    path = tmp_path / "isin.csv"
    big_isin_file(path, ROWS)
    before = {table: count(engine, table) for table in ("code_entry", "code_revision", "audit_event")}
    start = written_bytes(engine, database_url)
    env = {**os.environ, "SFREG_DATABASE_URL": database_url, "SFREG_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "sfreg_cli", "import", "isin", str(path)]
    with (tmp_path / "stderr.txt").open("wb") as stderr, \
            subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr) as process:
        deadline = time.monotonic() + 120
        while written_bytes(engine, database_url) - start < WRITTEN_BYTES:
            assert process.poll() is None, (tmp_path / "stderr.txt").read_text()
            assert time.monotonic() < deadline, "the import wrote nothing for two minutes"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    engine.dispose()
    after = {table: count(engine, table) for table in before}
    assert after == before
