"""Release figures on a synthetic registry (default 100,000 concepts + 1,000,000 ISIN records).

Prints: creation time of a release after a 1 % change, storage it added, as-of read latency vs live
read latency, and the diff time between the two releases. Run: python bench/releases.py [--pg-url URL]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _synthetic import (
    _code_revision,
    _concept_revision,
    concept_snapshot,
    insert_concepts,
    insert_isins,
    isin_snapshot,
    synthetic_isin,
)
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlmodel import Session

from api.versioned import TABLES
from codes import as_of as codes_as_of
from codes import service as codes_service
from codes.models import CodeEntry, CodeRevision
from codes.seed import seed_schemes
from registry import migrate
from registry.auth import SYSTEM
from registry.database import build_engine
from registry.releases import service as releases
from registry.releases.models import ReleaseCreate
from terms import as_of as terms_as_of
from terms import service as terms_service
from terms.models import Concept, ConceptRevision
from terms.seed import seed_parts


def database(pg_url: str | None) -> tuple[str, callable]:
    if not pg_url:
        folder = tempfile.mkdtemp(prefix="sfreg-bench-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    name = f"sfreg_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return pg_url.rsplit("/", 1)[0] + f"/{name}", drop


def storage_bytes(engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            return conn.execute(text("PRAGMA page_count")).scalar() * conn.execute(text("PRAGMA page_size")).scalar()
        return conn.execute(text("SELECT pg_database_size(current_database())")).scalar()


def make_release(engine, name: str) -> float:
    start = time.perf_counter()
    with Session(engine) as session:
        releases.create_release(session, ReleaseCreate(name=name, stage="published"), actor=SYSTEM, tables=TABLES)
        session.commit()
    return time.perf_counter() - start


def change(engine, concepts: int, isins: int, fraction: float, rng: random.Random) -> tuple[int, int]:
    """Give `fraction` of concepts and ISINs a new revision, as edits through the service would."""
    concept_ids = rng.sample(range(1, concepts + 1), int(concepts * fraction))
    isin_ids = rng.sample(range(1, isins + 1), int(isins * fraction))
    with engine.begin() as conn:
        conn.execute(insert(ConceptRevision), [_concept_revision(i, 2, concept_snapshot(
            i - 1, random.Random(i), definition=f"修订后的定义{i}")) for i in concept_ids])
        conn.execute(update(Concept).where(Concept.id.in_(concept_ids)).values(rev=2))
        conn.execute(insert(CodeRevision), [_code_revision(i, 2, isin_snapshot(synthetic_isin(i - 1), i, "expired"))
                                            for i in isin_ids])
        for start in range(0, len(isin_ids), 900):
            conn.execute(update(CodeEntry).where(CodeEntry.id.in_(isin_ids[start:start + 900])).values(rev=2))
    return len(concept_ids), len(isin_ids)


def latency(fn, keys) -> tuple[float, float]:
    times = []
    for key in keys:
        start = time.perf_counter()
        fn(key)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def read_latencies(engine, concepts: int, isins: int, rng: random.Random) -> dict[str, tuple[float, float]]:
    concept_keys = [rng.randint(1, concepts) for _ in range(2000)]
    isin_keys = [synthetic_isin(rng.randint(0, isins - 1)) for _ in range(2000)]
    with Session(engine) as session:
        release = releases.resolve(session, "b")
        return {
            "concept live": latency(lambda i: terms_service.read_concept(session, i), concept_keys),
            "concept as-of": latency(lambda i: terms_as_of.read_concept(session, i, release), concept_keys),
            "isin live": latency(lambda c: codes_service.public_view(codes_service.get_code(session, "isin", c)),
                                 isin_keys),
            "isin as-of": latency(lambda c: codes_as_of.get_code(session, "isin", c, release), isin_keys),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--isins", type=int, default=1_000_000)
    parser.add_argument("--change", type=float, default=0.01)
    parser.add_argument("--pg-url", default=None, help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    url, drop = database(args.pg_url)
    try:
        run(url, args)
    finally:
        drop()


def run(url: str, args) -> None:
    rng = random.Random(6166)
    migrate.upgrade(url)
    engine = build_engine(url)
    with Session(engine) as session:
        seed_parts(session)
        seed_schemes(session)
        session.commit()
    start = time.perf_counter()
    insert_concepts(engine, args.concepts)
    insert_isins(engine, args.isins)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # what autovacuum (PostgreSQL) or a DBA would have done after a bulk load
    print(f"database: {engine.dialect.name}; generated {args.concepts:,} concepts + {args.isins:,} ISINs "
          f"in {time.perf_counter() - start:.1f} s")
    first = make_release(engine, "a")
    print(f"first release (freezes all {args.concepts + args.isins:,} entries): {first:.2f} s")
    start_size = storage_bytes(engine)
    changed = change(engine, args.concepts, args.isins, args.change, rng)
    before = storage_bytes(engine)
    second = make_release(engine, "b")
    added = storage_bytes(engine) - before
    print(f"release after a {args.change:.0%} change ({changed[0]:,} concepts, {changed[1]:,} ISINs): "
          f"{second:.2f} s; storage added by the release {added / 1024:.0f} KiB, by the edits' revisions "
          f"{(before - start_size) / 1024:.0f} KiB, registry {start_size / 2**20:.0f} MiB")
    for name, (p50, p99) in read_latencies(engine, args.concepts, args.isins, rng).items():
        print(f"read {name:14s} p50 {p50:.3f} ms  p99 {p99:.3f} ms")
    start = time.perf_counter()
    with Session(engine) as session:
        result = releases.diff(session, releases.resolve(session, "a"), releases.resolve(session, "b"), TABLES)
    print(f"diff a→b: {time.perf_counter() - start:.2f} s, counts {result['counts']}")
    with engine.connect() as conn:
        revisions = conn.execute(select(func.count()).select_from(CodeRevision)).scalar()
    print(f"code revisions stored: {revisions:,}")
    engine.dispose()


if __name__ == "__main__":
    os.environ.setdefault("SFREG_HOME", tempfile.mkdtemp(prefix="sfreg-bench-home-"))
    main()
