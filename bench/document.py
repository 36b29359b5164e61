"""Printing a large term standard: 2,000 synthetic entries in three levels (20 sections of 10 groups of 9
entries, each with a note, an example, a source and references), frozen as a 征求意见稿 release.

Prints, per format, the time from the database to the finished file (read, checks, diagrams, layout) and
the peak RSS of the largest process involved (each format in a fresh forked process, pypinyin's
dictionaries loaded first as in a serving process; the `dot` and Typst child processes included), and the
CPU seconds spent (the machine is shared: wall time also counts other work).
Figures to meet: DOCX ≤ 5 s, PDF ≤ 20 s, HTML ≤ 2 s, STS ≤ 2 s, peak RSS ≤ 500 MB.
Run: python bench/document.py [--entries 2000]
"""

import argparse
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _synthetic import CHARS, NOW, sort_key
from sqlalchemy import insert
from sqlmodel import Session

from api.versioned import TABLES
from registry import migrate
from registry.auth import SYSTEM
from registry.database import build_engine
from registry.releases import service as releases
from registry.releases.models import ReleaseCreate
from terms.models import Concept, ConceptRevision
from terms.pinyin import default_pinyin
from terms.seed import seed_parts

LIMITS = {"docx": 5.0, "pdf": 20.0, "html": 2.0, "sts": 2.0}


def numbers(count: int) -> list[str]:
    """1.s, 1.s.g, 1.s.g.e: 20 sections × (1 + 10 groups × (1 + 9 entries)) ≈ 2,020 for 2,000."""
    out: list[str] = []
    sections = max(1, round(count / 101))
    for s in range(1, sections + 1):
        out.append(f"1.{s}")
        for g in range(1, 11):
            out.append(f"1.{s}.{g}")
            out.extend(f"1.{s}.{g}.{e}" for e in range(1, 10))
    return out[:count]


def snapshot(n: int, number: str, ids: dict[str, int], rng: random.Random) -> dict:
    text = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 6))) + "甲乙丙丁戊己庚辛壬癸"[n % 10] + str(n)
    parent = number.rsplit(".", 1)[0]
    xrefs = [{"type": "broader", "target": ids[parent]}] if parent in ids else []
    terms = [{"text": text, "lang": "zh-CN", "status": "preferred", "type": "full_form", "pinyin": default_pinyin(text),
              "pinyin_curated": False, "geographical_usage": None, "source": None},
             {"text": f"the synthetic term {n}", "lang": "en", "status": "preferred", "type": "full_form",
              "pinyin": None, "pinyin_curated": False, "geographical_usage": None, "source": None}]
    return {"part": 1, "entry_number": number, "subject_field": "合成", "status": "approved", "superseded_by": None,
            "terms": terms, "definition": {"zh-CN": "".join(rng.choice(CHARS) for _ in range(60)) + "。"},
            "notes": [f"合成条目 {n} 的注。"], "examples": [f"合成条目 {n} 的示例。"],
            "source": {"text": f"GB/T {30000 + n % 50}—2020", "modified": n % 3 == 0}, "cross_references": xrefs}


def build(url: str, count: int) -> None:
    migrate.upgrade(url)
    engine = build_engine(url)
    with Session(engine) as session:
        seed_parts(session)
        session.commit()
    rng = random.Random(14)
    all_numbers = numbers(count)
    ids = {number: i for i, number in enumerate(all_numbers, 1)}
    snaps = [snapshot(i, number, ids, rng) for number, i in ids.items()]
    with engine.begin() as conn:
        conn.execute(insert(Concept), [_row(i, s) for i, s in enumerate(snaps, 1)])
        conn.execute(insert(ConceptRevision), [{"entity_id": i, "rev": 1, "status": "approved", "scope": "1",
                                                "key": sort_key(s["entry_number"]), "data": s, "actor": "bench",
                                                "action": "bench", "created_at": NOW} for i, s in enumerate(snaps, 1)])
    with Session(engine) as session:
        releases.create_release(session, ReleaseCreate(name="bench.1", stage="comment_draft",
                                                        scope={"parts": [1]}), actor=SYSTEM, tables=TABLES)
        session.commit()


def _row(i: int, s: dict) -> dict:
    return {"id": i, "part": 1, "entry_number": s["entry_number"], "live_number": s["entry_number"],
            "sort_key": sort_key(s["entry_number"]), "subject_field": "合成", "status": "approved",
            "definition_zh": s["definition"]["zh-CN"], "source_modified": False, "notes": [], "examples": [],
            "rev": 1, "created_at": NOW, "updated_at": NOW}


def print_one(url: str, fmt: str, out: Path, queue) -> None:
    from terms.document import render
    from terms.document.pinyin_index import display_reading
    display_reading("银行", "yin hang")  # a serving process has pypinyin's dictionaries loaded already
    engine = build_engine(url)
    cpu_before = _cpu()
    start = time.perf_counter()
    with Session(engine) as session:
        printed = render.print_document(session, "sfterms-1", fmt=fmt, release="bench.1")
    elapsed = time.perf_counter() - start
    out.write_bytes(printed.content)
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    queue.put((elapsed, _cpu() - cpu_before, rss / 1024, len(printed.content), len(printed.problems)))


def _cpu() -> float:
    """CPU seconds of this process and its finished children (dot, typst): on a shared machine the wall
    time also counts other people's work."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=2000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sfreg-bench-doc-"))
    url = f"sqlite:///{folder}/bench.db"
    os.environ["SFREG_DATABASE_URL"] = url
    os.environ["SFREG_HOME"] = str(folder)
    start = time.perf_counter()
    build(url, args.entries)
    print(f"synthetic standard: {len(numbers(args.entries))} entries in {time.perf_counter() - start:.1f} s ({folder})")
    context = multiprocessing.get_context("fork")
    for fmt, limit in LIMITS.items():
        queue = context.Queue()
        worker = context.Process(target=print_one, args=(url, fmt, folder / f"standard.{fmt}", queue))
        worker.start()
        elapsed, cpu, rss_mb, size, problems = queue.get()
        worker.join()
        verdict = "ok" if elapsed <= limit and rss_mb <= 500 else "OVER"
        print(f"{fmt:5} wall {elapsed:6.2f} s  cpu {cpu:6.2f} s  (limit {limit:4.1f} s)  "
              f"peak RSS of the largest process {rss_mb:4.0f} MB  file {size / 1e6:5.2f} MB  problems {problems}  "
              f"{verdict}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
