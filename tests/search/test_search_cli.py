"""`sfreg index rebuild` and `sfreg index check`, and the index shared by two processes."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api import search_index
from api.index_cli import app
from registry.auth import SYSTEM
from registry.database import transaction
from registry.settings import get_settings
from terms import service
from terms.models import ConceptCreate

WORKER = Path(__file__).with_name("search_worker.py")


def create(engine, zh: str, entry: str) -> int:
    body = {"part": 1, "entry_number": entry, "terms": [{"text": zh, "lang": "zh-CN", "status": "preferred"}]}
    with transaction(engine) as session:
        return service.create_concept(session, ConceptCreate.model_validate(body), actor=SYSTEM).id


@pytest.fixture
def index(engine, seeded):
    opened = search_index.open_index(get_settings(), engine)
    yield opened
    search_index.stop_sync()


class TestCheck:
    def test_check_agrees_after_a_rebuild(self, engine, seeded):
        create(engine, "融资融券", "1.1")
        runner = CliRunner()
        rebuilt = runner.invoke(app, ["rebuild"])
        assert rebuilt.exit_code == 0, rebuilt.output
        assert "1 revisions" in rebuilt.output
        checked = runner.invoke(app, ["check"])
        assert checked.exit_code == 0, checked.output
        assert "index:    1 revisions" in checked.output and "database: 1 revisions" in checked.output

    def test_check_reports_a_change_the_index_missed(self, engine, index):
        create(engine, "融资融券", "1.1")  # committed without notify_change and with no sync thread
        result = CliRunner().invoke(app, ["check"])
        assert result.exit_code == 1
        assert "index:    0 revisions" in result.output and "out of step" in result.output

    def test_check_reports_a_missing_index(self, engine, seeded):
        result = CliRunner().invoke(app, ["check"])
        assert result.exit_code == 1 and "unavailable" in result.output


class TestTwoProcesses:
    def test_a_write_in_one_process_is_found_by_the_other(self, engine, index):
        search_index.start_sync(index, engine, get_settings())
        with subprocess.Popen([sys.executable, str(WORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=Path(__file__).parents[2]) as worker:
            try:
                assert ask(worker, "融资融券") == 0
                create(engine, "融资融券", "1.1")
                search_index.notify_change()
                assert search_index.search_concepts("融资融券")["total"] == 1  # this process: at once
                assert wait_for(worker, "融资融券") == 1  # the other: after its poll
            finally:
                worker.stdin.close()
                worker.wait(timeout=30)


def ask(worker: subprocess.Popen, query: str) -> int:
    worker.stdin.write(query + "\n")
    worker.stdin.flush()
    return json.loads(worker.stdout.readline())["total"]


def wait_for(worker: subprocess.Popen, query: str, patience: float = 30.0) -> int:
    deadline = time.monotonic() + patience  # generous: visibility is measured in bench, not asserted here
    while (total := ask(worker, query)) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    return total
