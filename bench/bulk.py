"""Bulk import/export figures, each quoted as a ratio to the raw driver loading the same rows in the same run.

    .venv/bin/python bench/bulk.py [--rows 1000000] [--concepts 100000] [--pg-url URL | --no-pg] [--no-sqlite]
        [--only isin|concepts]

1. ISIN CSV import (`sfreg import isin`), SQLite and PostgreSQL: targets 60 s and 30 s, peak RSS 300 MB;
   on PostgreSQL at most 2× the raw COPY below.
   Raw: the code_entry and code_revision rows the import wrote, reloaded into a fresh database by
   sqlite3 `executemany` / psycopg `COPY … FROM STDIN` (the reading is not timed).
2. ISIN export (`sfreg export isin`), streamed: RSS is sampled through the run to show it stays flat.
   Raw: sqlite3 cursor → csv.writer / `COPY (SELECT …) TO STDOUT`.
3. 100,000 concepts CSV import (`sfreg import terms`) plus bringing the search index up to date
   (`sfreg index sync`: the index built before the import catches up, as a starting server's would), SQLite:
   target 90 s. `sfreg index rebuild` of the same database is printed for comparison.
   Raw: the concept, term, cross_reference, concept_revision and audit rows reloaded by `executemany`.
Every `sfreg` command runs in its own process: its wall time and peak RSS (VmHWM) are what is reported;
the ISIN import forks a worker process that reads and prepares the rows, and its peak RSS is printed too.
The data are synthetic: 40 % of the ISINs carry a Chinese name (pinyin goes into the search text).
"""

import argparse
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codes.validators.isin import calc_check_digit  # noqa: E402

CHARS = "证券期货基金交易结算登记清算保证金融资融券市场行情银行承销发行股票债券期权指数风险管理机构投资者"
ISIN_HEADER = ["isin", "name_zh", "name_en", "issuer", "issuer_lei", "cfi", "fisn", "venue_mic", "local_code",
               "status", "issue_date", "maturity_date"]
CONCEPT_HEADER = ["部分", "条目编号", "专业领域", "状态", "首选术语", "许用术语", "英文对应词", "定义",
                  "英文定义", "注", "来源", "相关条目"]
ENTRY_COLUMNS = ("id, scheme, code, name_zh, name_en, status, valid_from, valid_to, successor, parent, "
                 "attrs, search_text, rev, created_at, updated_at")
REVISION_COLUMNS = ("id, rev, status, scope, key, data, actor, action, change_note, created_at, rel_from, "
                    "rel_to, entity_id")
EXPORTED = ("SELECT code, name_zh, name_en, status, valid_from, valid_to, successor, parent, attrs "
            "FROM code_entry WHERE scheme = 'isin' ORDER BY code")
TERM_TABLES = ("concept", "term", "cross_reference", "concept_revision", "audit_event")
RESULTS: list[dict] = []


# ---- data ----------------------------------------------------------------------------------------

def write_isins(path: Path, rows: int, seed: int = 6166) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ISIN_HEADER)
        for n in range(rows):
            if n % 5 < 2:
                body = f"CN{n:09d}"
                name = "".join(rng.choice(CHARS) for _ in range(rng.randint(4, 8)))
                writer.writerow([body + calc_check_digit(body), name, f"Synthetic China {n}",
                                 name + "股份有限公司", "", "ESVUFR", "", "XSHG", f"{600000 + n % 400000}.SH",
                                 "active", "", ""])
            else:
                body = f"{('US', 'XS', 'DE', 'GB', 'JP')[n % 5]}{n:09d}"
                writer.writerow([body + calc_check_digit(body), "", f"Synthetic Security {n}",
                                 f"Issuer {n % 5000}", "", "DBFTFB", "", "XNAS", f"S{n}", "active",
                                 "2020-01-01", "2030-01-01"])


def write_concepts(path: Path, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CONCEPT_HEADER)
        for n in range(count):
            part = n % 6 + 1
            term = "".join(rng.choice(CHARS) for _ in range(rng.randint(3, 6)))
            see = f"see_also {part}.{(n - 6) // 1000 + 1}.{(n - 6) % 1000}" if n >= 6 else ""
            definition = "".join(rng.choice(CHARS) for _ in range(40)) + "。"
            writer.writerow([part, f"{part}.{n // 1000 + 1}.{n % 1000}", "合成", "", f"{term}{n}",
                             f"{term}别称{n}", f"synthetic term {n}", definition,
                             f"Synthetic definition {n}.", "合成注。" if n % 3 == 0 else "", "sfreg bench",
                             see])


# ---- running sfreg -------------------------------------------------------------------------------

def sfreg(url: str, home: Path, *args: str) -> dict:
    """Run `sfreg …` in a child process; return wall seconds, peak RSS (MB) and RSS samples over time.

    The peak is the child's VmHWM, sampled from /proc until it exits: wait4's ru_maxrss would also count the
    bench process's own memory, which the child carries between fork and exec."""
    env = {**os.environ, "SFREG_DATABASE_URL": url, "SFREG_HOME": str(home),
           "SFREG_INDEX_DIR": str(home / "index")}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "sfreg_cli", *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    samples: list[tuple[float, float, float, float]] = []
    sampler = threading.Thread(target=_sample, args=(process.pid, started, samples), daemon=True)
    sampler.start()
    _, status, _usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    if status != 0:
        raise SystemExit(f"sfreg {' '.join(args)} failed:\n{out}\n{err}")
    peak = max((hwm for _, _, hwm, _ in samples), default=float("nan"))
    return {"wall": wall, "rss": peak, "worker_rss": max((w for *_, w in samples), default=0.0),
            "samples": [(t, rss) for t, rss, _, _ in samples], "out": out.strip().splitlines()[:1]}


def _sample(pid: int, started: float, samples: list) -> None:
    """(seconds, VmRSS MB, VmHWM MB, the children's VmHWM MB) every 0.1 s, from the child's exec (its
    command line names sfreg_cli)."""
    while True:
        try:
            if b"sfreg_cli" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                time.sleep(0.01)
                continue
            rss, hwm = _memory(pid, "VmRSS", "VmHWM")
        except (OSError, KeyError, ValueError):
            return
        samples.append((time.perf_counter() - started, rss, hwm, _children_peak(pid)))
        time.sleep(0.1)


def _memory(pid: int, *keys: str) -> list[float]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    values = dict(line.split(":", 1) for line in lines if ":" in line)
    return [int(values[key].split()[0]) / 1024 for key in keys]


def _children_peak(pid: int) -> float:
    """The largest VmHWM among the process's children (the ISIN import's row worker); 0 without any."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return max((_memory(int(child), "VmHWM")[0] for child in children), default=0.0)
    except (OSError, KeyError, ValueError):
        return 0.0


def prepare_database(url: str, home: Path, *, parts: bool = False) -> None:
    code = ("from registry import migrate; from registry.database import build_engine, transaction\n"
            "from codes.seed import seed_schemes; from terms.seed import seed_parts\n"
            f"migrate.upgrade({url!r}); engine = build_engine({url!r})\n"
            "with transaction(engine) as s:\n    seed_schemes(s)\n" + ("    seed_parts(s)\n" if parts else "")
            + "engine.dispose()\n")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                   env={**os.environ, "SFREG_HOME": str(home)})


def record(figure: str, target: str, ours: dict, raw: float, label: str) -> None:
    RESULTS.append({"figure": figure, "target": target, "ours": ours["wall"], "raw": raw, "label": label,
                    "rss": ours["rss"]})
    print(f"  {figure}: {ours['wall']:.1f} s (raw {label} {raw:.1f} s, ×{ours['wall'] / raw:.1f}), "
          f"peak RSS {ours['rss']:.0f} MB   {ours['out'][0] if ours['out'] else ''}", flush=True)


def flatness(samples: list[tuple[float, float]]) -> str:
    """Peak RSS in the second quarter of the run against the last quarter (the first holds start-up)."""
    if len(samples) < 8:
        return "too short to sample"
    quarter = len(samples) // 4
    second, last = max(r for _, r in samples[quarter:2 * quarter]), max(r for _, r in samples[-quarter:])
    return f"RSS max in the 2nd quarter of the run {second:.0f} MB, in the last quarter {last:.0f} MB " \
           f"({len(samples)} samples)"


# ---- SQLite ----------------------------------------------------------------------------------------

def sqlite_isin(work: Path, data: Path, rows: int) -> None:
    import sqlite3
    home, db = work / "sq", work / "sq" / "isin.db"
    home.mkdir()
    url = f"sqlite:///{db}"
    prepare_database(url, home)
    ours = sfreg(url, home, "import", "isin", str(data))
    raw_db = work / "sq" / "raw.db"
    prepare_database(f"sqlite:///{raw_db}", home)
    source, target = sqlite3.connect(db), sqlite3.connect(raw_db)
    raw = _sqlite_copy(source, target, [("code_entry", ENTRY_COLUMNS), ("code_revision", REVISION_COLUMNS)])
    record(f"ISIN import, {rows:,} rows, SQLite", "≤ 60 s, ≤ 300 MB", ours, raw, "sqlite3 executemany")
    print(f"    its row worker process: peak RSS {ours['worker_rss']:.0f} MB", flush=True)
    exported = sfreg(url, home, "export", "isin", "-o", str(work / "sq" / "isin-out.csv"))
    started = time.perf_counter()
    with (work / "sq" / "raw-out.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for row in source.execute(EXPORTED):
            writer.writerow(row)
    record(f"ISIN export, {rows:,} rows, SQLite", "streaming, flat memory", exported,
           time.perf_counter() - started, "sqlite3 cursor + csv.writer")
    print("   ", flatness(exported["samples"]))
    source.close()
    target.close()


def _sqlite_copy(source, target, tables: list[tuple[str, str]]) -> float:
    """Reload `tables` from source into target with executemany, one transaction; time only the writes."""
    took = 0.0
    for table, columns in tables:
        cursor = source.execute(f"SELECT {columns} FROM {table}")
        marks = ", ".join("?" * len(columns.split(",")))
        while batch := cursor.fetchmany(100_000):
            started = time.perf_counter()
            target.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", batch)
            took += time.perf_counter() - started
    started = time.perf_counter()
    target.commit()
    return took + time.perf_counter() - started


def sqlite_concepts(work: Path, data: Path, count: int) -> None:
    import sqlite3
    home, db = work / "sc", work / "sc" / "terms.db"
    home.mkdir()
    url = f"sqlite:///{db}"
    prepare_database(url, home, parts=True)
    sfreg(url, home, "index", "rebuild")  # the index a registry already has (empty here), not timed
    imported = sfreg(url, home, "import", "terms", str(data))
    synced = sfreg(url, home, "index", "sync")
    both = {"wall": imported["wall"] + synced["wall"], "rss": max(imported["rss"], synced["rss"]),
            "out": imported["out"]}
    rebuilt = sfreg(url, home, "index", "rebuild")
    raw_db = home / "raw.db"
    prepare_database(f"sqlite:///{raw_db}", home, parts=True)
    source, target = sqlite3.connect(db), sqlite3.connect(raw_db)
    tables = [(t, ", ".join(r[1] for r in source.execute(f"PRAGMA table_info({t})"))) for t in TERM_TABLES]
    raw = _sqlite_copy(source, target, tables)
    print(f"  (import {imported['wall']:.1f} s, RSS {imported['rss']:.0f} MB; "
          f"index sync {synced['wall']:.1f} s, RSS {synced['rss']:.0f} MB; "
          f"for comparison, index rebuild {rebuilt['wall']:.1f} s, RSS {rebuilt['rss']:.0f} MB)")
    record(f"concepts CSV import + index, {count:,}, SQLite", "≤ 90 s", both, raw, "sqlite3 executemany")


# ---- PostgreSQL ------------------------------------------------------------------------------------

def postgres_isin(work: Path, data: Path, rows: int, server: str) -> None:
    import psycopg
    names = [f"sfreg_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(server, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        urls = [server.rsplit("/", 1)[0] + f"/{name}" for name in names]
        home = work / "pg"
        home.mkdir()
        for url in urls:
            prepare_database(url.replace("postgresql://", "postgresql+psycopg://", 1), home)
        ours = sfreg(urls[0], home, "import", "isin", str(data))
        with psycopg.connect(urls[0]) as source, psycopg.connect(urls[1]) as target:
            tables = [("code_entry", ENTRY_COLUMNS), ("code_revision", REVISION_COLUMNS)]
            raw = _pg_copy(source, target, tables)
            record(f"ISIN import, {rows:,} rows, PostgreSQL", "≤ 30 s, ≤ 300 MB", ours, raw, "psycopg COPY")
            print(f"    its row worker process: peak RSS {ours['worker_rss']:.0f} MB", flush=True)
            exported = sfreg(urls[0], home, "export", "isin", "-o", str(home / "isin-out.csv"))
            started = time.perf_counter()
            statement = f"COPY ({EXPORTED}) TO STDOUT WITH (FORMAT csv)"
            with (home / "raw-out.csv").open("wb") as out, source.cursor() as cursor, \
                    cursor.copy(statement) as copy:
                for block in copy:
                    out.write(block)
            record(f"ISIN export, {rows:,} rows, PostgreSQL", "streaming, flat memory", exported,
                   time.perf_counter() - started, "COPY TO STDOUT")
            print("   ", flatness(exported["samples"]))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_copy(source, target, tables: list[tuple[str, str]]) -> float:
    """Reload `tables` with COPY FROM STDIN in one transaction; the rows are read out first, untimed."""
    took = 0.0
    with target.cursor() as cursor:
        for table, columns in tables:
            buffer = io.BytesIO()
            with source.cursor() as reader, reader.copy(f"COPY {table} ({columns}) TO STDOUT") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            started = time.perf_counter()
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                while block := buffer.read(1 << 20):
                    copy.write(block)
            took += time.perf_counter() - started
    started = time.perf_counter()
    target.commit()
    return took + time.perf_counter() - started


# ---- main ------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="ISIN rows (default 1,000,000)")
    parser.add_argument("--concepts", type=int, default=100_000, help="concepts (default 100,000)")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="server to create (and drop) two scratch databases on")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite ISIN figures")
    parser.add_argument("--only", choices=["isin", "concepts"], help="run one part")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sfreg-bench-bulk-"))
    try:
        load = os.getloadavg()[0]
        print(f"machine: {os.cpu_count()} cores; load average {load:.1f}; work dir {work}", flush=True)
        if args.only != "concepts":
            isins = work / "isin.csv"
            write_isins(isins, args.rows)
            print(f"ISIN file: {args.rows:,} rows, {isins.stat().st_size / 1e6:.0f} MB", flush=True)
            if not args.no_sqlite:
                sqlite_isin(work, isins, args.rows)
            if not args.no_pg:
                postgres_isin(work, isins, args.rows, args.pg_url)
        if args.only != "isin":
            concepts = work / "concepts.csv"
            write_concepts(concepts, args.concepts)
            size = concepts.stat().st_size / 1e6
            print(f"concepts file: {args.concepts:,} rows, {size:.0f} MB", flush=True)
            sqlite_concepts(work, concepts, args.concepts)
        print("\nfigure | target | sfreg | raw | ratio | peak RSS")
        for r in RESULTS:
            print(f"{r['figure']} | {r['target']} | {r['ours']:.1f} s | {r['raw']:.1f} s ({r['label']}) | "
                  f"×{r['ours'] / r['raw']:.1f} | {r['rss']:.0f} MB")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
