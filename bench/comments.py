"""Comment figures (issue 13): 10,000 comments from 200 organisations on a 2,000-entry 征求意见稿.

    .venv/bin/python bench/comments.py [--entries 2000] [--comments 10000] [--orgs 200] [--requests 500]

Builds a temporary SQLite database: part 1 with `--entries` approved synthetic entries (SQLAlchemy Core, in
the shape terms/service writes), a 征求意见稿 of sfterms-1 and its open comment period. It adds all but 2,000
comments straight through the service's bulk insert, then measures
  1. the upload of a 2,000-row comment form (XLSX, as the committee sends it) through the importer, checks and
     commit included — goal ≤ 5 s;
  2. the disposition table (every comment disposed of) exported as XLSX and as DOCX, the table's data read
     from the database included — goal ≤ 5 s each;
  3. the comments page of one entry (`/concepts/{id}/comments`, published period, anonymous): server time
     from the `Server-Timing` header and wall time through the in-process client — goal p99 ≤ 50 ms.
"""

import argparse
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _synthetic import _concept_revision, _concept_row, concept_snapshot
from openpyxl import Workbook
from sqlalchemy import insert, update
from sqlmodel import Session

from api.versioned import TABLES
from importers import comment_form, comment_table
from registry import migrate
from registry.auth import SYSTEM
from registry.clock import today_shanghai, utcnow
from registry.database import build_engine, transaction
from registry.releases import service as releases
from registry.releases.models import ReleaseCreate
from registry.rows import chunked
from registry.settings import get_settings
from registry.standards import periods
from registry.standards.models import CommentPeriod, PeriodOpen
from registry.standards.service import get_standard_by_id
from terms.comments import entries, table
from terms.comments import service as comments
from terms.comments.models import Comment, CommentStatus, Decision
from terms.models import Concept, ConceptRevision
from terms.seed import seed_parts

FORM_ROWS = 2000
WORDS = "定义术语表述范围条目编号英文对应词注示例建议修改删除增加补充明确统一规范一致交易结算登记"


def build(url: str, count: int) -> list[str]:
    """Part 1 with `count` approved entries; return their entry numbers."""
    engine = build_engine(url)
    with transaction(engine) as session:
        seed_parts(session)
    rng, numbers = random.Random(3), []
    with engine.begin() as conn:
        for batch in chunked(range(count), 5000):
            snaps = []
            for n in batch:
                snap = {**concept_snapshot(n, rng), "part": 1, "entry_number": f"1.{n // 100 + 1}.{n % 100 + 1}"}
                snaps.append((n + 1, snap))
                numbers.append(snap["entry_number"])
            conn.execute(insert(Concept), [_concept_row(i, s) for i, s in snaps])
            conn.execute(insert(ConceptRevision), [_concept_revision(i, 1, s) for i, s in snaps])
    engine.dispose()
    return numbers


def open_draft(engine) -> None:
    with transaction(engine) as session:
        release = releases.create_release(session, ReleaseCreate(name="p1-cd", stage="comment_draft",
                                                                 standard="sfterms-1"), actor=SYSTEM, tables=TABLES)
        periods.open_period(session, release, PeriodOpen(release="p1-cd",
                                                         closes_on=today_shanghai() + timedelta(days=30)), actor=SYSTEM)


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(20, 120))) + "。"


def prefill(engine, count: int, orgs: list[str]) -> None:
    """`count` comments through the service's bulk insert (what uploads write), spread over entries and orgs."""
    rng = random.Random(5)
    with transaction(engine) as session:
        release = releases.resolve(session, "p1-cd")
        period = periods.get_period(session, release)
        known = entries.entries_of(session, release)
        pool = [e for found in known.values() for e in found]
        rows = [({"type": rng.choice(["technical", "editorial", "general"]), "field": None, "content": _text(rng),
                  "proposal": _text(rng) if rng.random() < .6 else None, "contact": "联系人"},
                 rng.choice(pool), rng.choice(orgs)) for _ in range(count)]
        for batch in chunked(rows, 2000):
            comments.add_many(session, period, batch, actor=SYSTEM, source="bench")


def form(numbers: list[str], orgs: list[str]) -> bytes:
    rng = random.Random(9)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("意见表")
    sheet.append(["序号", "章条编号", "意见类型", "意见内容", "修改建议", "提出单位", "联系人"])
    for i in range(1, FORM_ROWS + 1):
        sheet.append([i, rng.choice(numbers), rng.choice(["技术", "编辑", "一般"]), _text(rng), _text(rng),
                      rng.choice(orgs), "张三 010-00000000"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(engine, payload: bytes) -> tuple[float, float]:
    """(wall, CPU) seconds of one upload, commit included."""
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(engine) as session:
        report = comment_form.upload(session, releases.resolve(session, "p1-cd"), io.BytesIO(payload),
                                     filename="意见表.xlsx", actor=SYSTEM)
    elapsed = time.perf_counter() - started, time.process_time() - cpu
    assert report.counts["created"] == FORM_ROWS, report.headline()
    return elapsed


def dispose_all(engine) -> None:
    """Close the period and give every comment a confirmed disposition (reasons where required)."""
    rng = random.Random(13)
    with transaction(engine) as session:
        session.exec(update(CommentPeriod).values(closed=True))
        ids = list(session.exec(Comment.__table__.select().with_only_columns(Comment.__table__.c.id)).scalars())
        for batch in chunked(ids, 1000):
            decision = rng.choice(list(Decision)[:4])
            session.exec(update(Comment).where(Comment.id.in_(batch)).values(
                decision=decision, reason="理由：" + _text(rng), status=CommentStatus.confirmed))
        session.exec(update(CommentPeriod).values(published_at=utcnow()))


def export(engine, writer) -> tuple[float, float, int]:
    """(wall, CPU) seconds and bytes of one export, the table's data read from the database included."""
    started, cpu = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        release = releases.resolve(session, "p1-cd")
        period = periods.get_period(session, release)
        data = table.disposition_table(session, period, release, get_standard_by_id(session, period.standard_id))
    payload = writer(data)
    return time.perf_counter() - started, time.process_time() - cpu, len(payload)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def entry_pages(requests: int, concepts: int) -> tuple[list[float], list[float], list[float]]:
    """Server-Timing, wall and CPU milliseconds of each request (in process: CPU counts client and server)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    rng = random.Random(17)
    server, wall, cpu = [], [], []
    with TestClient(create_app()) as client:
        paths = [f"/concepts/{rng.randint(1, concepts)}/comments" for _ in range(requests + 50)]
        for i, path in enumerate(paths):
            started, used = time.perf_counter(), time.process_time()
            response = client.get(path, headers={"Accept": "text/html"})
            took, used = (time.perf_counter() - started) * 1000, (time.process_time() - used) * 1000
            assert response.status_code == 200, response.text[:300]
            if i >= 50:  # warm-up
                wall.append(took)
                cpu.append(used)
                timing = response.headers.get("Server-Timing", "")
                server.append(float(timing.split("dur=")[1].split(",")[0]) if "dur=" in timing else took)
    return server, wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="sfreg-bench-comments-")
    url = f"sqlite:///{home}/bench.db"
    os.environ.update(SFREG_HOME=home, SFREG_DATABASE_URL=url, SFREG_INDEX_DIR=f"{home}/index")
    get_settings.cache_clear()
    try:
        migrate.upgrade(url)
        numbers = build(url, args.entries)
        engine = build_engine(url)
        open_draft(engine)
        orgs = [f"会员单位{i:03d}" for i in range(args.orgs)]
        prefill(engine, args.comments - FORM_ROWS, orgs)
        payload = form(numbers, orgs)
        took, used = upload(engine, payload)
        print(f"upload of a {FORM_ROWS}-row comment form ({len(payload) / 1024:.0f} KiB XLSX): {took:.2f} s "
              f"wall, {used:.2f} s CPU (goal ≤ 5 s)")
        dispose_all(engine)
        for name, writer in (("XLSX", comment_table.write_xlsx), ("DOCX", comment_table.write_docx)):
            seconds, used, size = export(engine, writer)
            print(f"disposition table of {args.comments} comments as {name} ({size / 1024:.0f} KiB): "
                  f"{seconds:.2f} s wall, {used:.2f} s CPU (goal ≤ 5 s)")
        engine.dispose()
        server, wall, cpu = entry_pages(args.requests, args.entries)
        print(f"comments page of one entry (~{args.comments // args.entries} comments each), {args.requests} "
              f"requests: server p50 {statistics.median(server):.1f} ms, p99 {percentile(server, 99):.1f} ms; "
              f"wall p99 {percentile(wall, 99):.1f} ms; CPU p99 {percentile(cpu, 99):.1f} ms (goal p99 ≤ 50 ms)")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
              f"(wall times stretch with it; CPU times do not)")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
