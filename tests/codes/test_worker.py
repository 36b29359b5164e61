"""codes.worker.map_chunks: chunks computed in a forked process come back in order, with its errors."""

import itertools
import multiprocessing
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codes.worker import map_chunks
from registry.errors import ImportRejected
from registry.rows import chunked

REPO = Path(__file__).resolve().parents[2]
ENDLESS = """
import itertools, multiprocessing, time
from codes.worker import map_chunks
results = map_chunks(lambda chunk: b"x" * 100_000, itertools.count(), 10)
next(results)
print(multiprocessing.active_children()[0].pid, flush=True)
time.sleep(60)
"""


def failing(items):
    yield from items
    raise ImportRejected("line 7: unreadable", errors=[{"line": 7, "column": None, "detail": "unreadable"}])


class TestChunked:
    def test_last_chunk_is_short(self):
        assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


class TestMapChunks:
    def test_results_come_back_in_order(self):
        assert list(map_chunks(sum, range(10), 3)) == [3, 12, 21, 9]

    def test_nothing_to_map(self):
        assert list(map_chunks(sum, [], 3)) == []

    def test_an_error_in_the_worker_is_raised_here_after_the_chunks_before_it(self):
        results = map_chunks(sum, failing(range(4)), 2)
        assert [next(results), next(results)] == [1, 5]
        with pytest.raises(ImportRejected) as raised:
            next(results)
        assert raised.value.detail == "line 7: unreadable" and raised.value.extensions["errors"][0]["line"] == 7

    def test_an_error_that_cannot_be_pickled_still_arrives(self):
        def unpicklable(chunk):
            raise ValueError(lambda: chunk)

        with pytest.raises(RuntimeError, match="row worker: ValueError"):
            list(map_chunks(unpicklable, range(3), 2))

    def test_stopping_early_ends_the_worker(self):
        results = map_chunks(sum, itertools.count(), 100)
        assert next(results) == 4950
        results.close()
        assert multiprocessing.active_children() == []

    def test_the_worker_does_not_outlive_a_killed_parent(self):
        """It would keep the parent's PostgreSQL socket, and so its open transaction, alive."""
        with subprocess.Popen([sys.executable, "-c", ENDLESS], cwd=REPO, stdout=subprocess.PIPE) as parent:
            worker = int(parent.stdout.readline())
            parent.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{worker}").exists() and _state(worker) != "Z" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{worker}").exists() or _state(worker) == "Z"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"
