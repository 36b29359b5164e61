"""Start-up on an empty index folder (issue 11 item 4): one process builds while the others wait, a missing
index is one INFO line, and nothing is logged as a warning or an error."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from registry.auth import SYSTEM
from registry.database import transaction
from terms import service
from terms.models import ConceptCreate

REPO = Path(__file__).resolve().parents[2]
# A worker: wait for the start signal (so that both look at the empty folder together), open the index as a
# starting server does, print whether it built it; log records go to stderr as LEVEL:name:message.
WORKER = """
import json, logging, os, sys, time
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s:%(name)s:%(message)s")
from api.search_index import HIDDEN, build_procs, terms_source
from registry.database import get_engine
from registry.search.index import SearchIndex
from registry.search.sync import ensure_open
from registry.settings import get_settings
index = SearchIndex(get_settings().resolved_index_dir, hidden=HIDDEN)
source = terms_source(get_engine())
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
rebuilt = ensure_open(index, source, procs=build_procs())
print(json.dumps({"rebuilt": rebuilt, "revisions": index.fingerprint()[0]}))
"""


def start_workers(count: int, signal: Path) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", WORKER, str(signal)], cwd=REPO, env=dict(os.environ),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(count)]


def test_two_workers_on_an_empty_folder_build_once_and_quietly(engine, seeded, tmp_path):
    with transaction(engine) as session:
        for number in range(1, 41):
            body = {"part": 1, "entry_number": f"1.{number}",
                    "terms": [{"text": f"术语{number}", "lang": "zh-CN", "status": "preferred"}]}
            service.create_concept(session, ConceptCreate.model_validate(body), actor=SYSTEM)
    signal = tmp_path / "go"
    workers = start_workers(2, signal)
    time.sleep(1.5)  # both imported and waiting
    signal.touch()
    outcomes = [worker.communicate(timeout=180) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outcomes
    answers = [json.loads(out.strip().splitlines()[-1]) for out, _ in outcomes]
    logs = "".join(err for _, err in outcomes)
    assert sorted(a["rebuilt"] for a in answers) == [False, True]
    assert [a["revisions"] for a in answers] == [40, 40]
    assert logs.count("not built yet") == 1 and "INFO:registry.search.sync" in logs
    for noise in ("WARNING", "ERROR", "Traceback", "EmptyIndexError", "FileNotFoundError", "schema None"):
        assert noise not in logs, logs
