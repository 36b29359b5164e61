"""Term checking: automaton build, a 1 MB Chinese document, POST /check of 10 KB at 2 workers, memory, recall.

    .venv/bin/python bench/check.py [--concepts 100000] [--seed 15] [--http-seconds 10] [--no-http]

Generates a term base of N concepts (~3.3 forms each: zh-CN preferred and admitted, English preferred, and a
deprecated or superseded form for one concept in four) and a ~1 MB UTF-8 Chinese document in which term forms
of every status are planted between filler text drawn from characters no term uses. Prints:
- the automaton build over all forms with pyahocorasick (what sfreg uses) and with ahocorasick-rs (goal ≤ 5 s);
- the check of the 1 MB document in process — normalise, scan, findings — and its JSON encoding (goal ≤ 250 ms);
- recall: planted forms found at their offsets with the right status (goal 100 %);
- the RSS a fresh process adds by building the live term base from a SQLite database of the N concepts
  (goal ≤ 150 MB), and how long that build takes from the database;
- with HTTP: `sfreg serve --workers 2` over that database, wrk POSTing a 10 KB text to /api/v1/check at 4
  connections (goal p99 ≤ 20 ms), 16 connections for comparison, and the 1 MB upload's round trip.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from _synthetic import CHARS, _concept_revision, _concept_row, concept_snapshot
from sqlalchemy import create_engine, insert, text

from registry.rows import chunked
from terms.checking.findings import Collector, Ignore
from terms.checking.matcher import build
from terms.checking.normalise import fold_term, normalise
from terms.checking.source import facts
from terms.models import Concept, ConceptRevision

FILLER = [c for c in "的了在是和有与对为以于将从而并或等其中之上下也都就要会能可这那个些所被把让向到说，。；、"
          if c not in CHARS]
EXTRA = [("admitted", "甲"), ("deprecated", "乙"), ("superseded", "丙")]


def term(text: str, status: str, lang: str = "zh-CN") -> dict:
    return {"text": text, "lang": lang, "status": status, "type": "full_form", "pinyin": None,
            "pinyin_curated": False, "geographical_usage": None, "source": None}


def snapshots(count: int, rng: random.Random) -> list[dict]:
    """N approved concepts with unique forms; entry numbers clear of the samples' (x.100+)."""
    out = []
    for n in range(count):
        snap = concept_snapshot(n, rng)
        snap["entry_number"] = f"{snap['part']}.{100 + n // 1000}.{n % 1000 + 1}"
        word = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 6)))
        snap["terms"].append(term(f"{word}甲{n}", "admitted"))
        if n % 4 == 0:
            status, mark = EXTRA[1 + (n // 4) % 2]
            snap["terms"].append(term(f"{word}{mark}{n}", status))
        out.append(snap)
    return out


def document(snaps: list[dict], rng: random.Random, size: int = 1_000_000) -> tuple[str, list[tuple]]:
    """~`size` bytes of Chinese with planted forms; the planted (start, end, status) list."""
    pieces, planted, at, used = [], [], 0, 0
    while used < size:
        filler = "".join(rng.choice(FILLER) for _ in range(rng.randint(10, 40)))
        chosen = rng.choice(rng.choice(snaps)["terms"])
        pieces += [filler, chosen["text"]]
        at += len(filler)
        planted.append((at, at + len(chosen["text"]), chosen["status"]))
        at += len(chosen["text"])
        used += len(filler.encode()) + len(chosen["text"].encode())
    pieces.append("。")
    return "".join(pieces), planted


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(mark: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since `mark`: on a shared, loaded machine the CPU time is the fairer figure."""
    return time.perf_counter() - mark[0], time.process_time() - mark[1]


def check_in_process(base, doc: str) -> tuple[dict, dict[str, tuple[float, float]]]:
    times, start = {}, _clock()
    norm = normalise(doc)
    times["normalise"] = _since(start)
    collector = Collector(base, doc, norm, parts=None, ignore=Ignore())
    mark = _clock()
    for s, e, form in base.scan(norm.text):
        collector.add(s, e, form)
    answer = collector.answer()
    times["scan + findings"] = _since(mark)
    times["check total"] = _since(start)
    mark = _clock()
    orjson.dumps(answer)
    times["JSON encoding"] = _since(mark)
    return answer, times


def build_figures(snaps: list[dict]) -> object:
    concepts = [facts(i + 1, s) for i, s in enumerate(snaps)]
    start = _clock()
    base = build(concepts, label=None)
    wall, cpu = _since(start)
    print(f"term base: {len(snaps):,} concepts, {base.forms:,} distinct forms")
    print(f"  build, pyahocorasick (sfreg)       {wall:6.2f} s wall, {cpu:6.2f} s CPU   (goal ≤ 5 s; folding "
          "included)")
    try:
        import ahocorasick_rs
        keys = [fold_term(t["text"]) for s in snaps for t in s["terms"]]
        start = _clock()
        ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        wall, cpu = _since(start)
        print(f"  build, ahocorasick-rs (keys only)  {wall:6.2f} s wall, {cpu:6.2f} s CPU")
    except ImportError:
        print("  ahocorasick-rs not installed (pip install ahocorasick-rs) — not measured")
    return base


def recall(answer: dict, planted: list[tuple]) -> None:
    found = {(f["start"], f["end"]): f["status"] for f in answer["findings"] if f["kind"] == "term"}
    right = sum(1 for s, e, status in planted if found.get((s, e)) == status)
    print(f"  recall: {right:,} / {len(planted):,} planted forms found with the right status "
          f"({right / len(planted):.2%}; goal 100 %)")


def fill_database(url: str, snaps: list[dict], first_id: int = 1000) -> None:
    """Insert the concepts straight through Core and bump the 'terms' change counter."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for batch in chunked(range(len(snaps)), 20_000):
            conn.execute(insert(Concept), [_concept_row(first_id + i, snaps[i]) for i in batch])
            conn.execute(insert(ConceptRevision), [_concept_revision(first_id + i, 1, snaps[i]) for i in batch])
        bumped = conn.execute(text("UPDATE change_counter SET n = n + 1 WHERE topic = 'terms'")).rowcount
        if not bumped:
            conn.execute(text("INSERT INTO change_counter (topic, n) VALUES ('terms', 1)"))
    engine.dispose()


WORKER_RSS = """
import gc, json, sys, time
from sqlalchemy import create_engine
import api.app  # what a worker has loaded before its first check
from terms.checking.store import Store
def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) / 1024
gc.collect(); before = rss(); start = time.perf_counter()
store = Store(create_engine(sys.argv[1])); store.step(); base = store.live()
seconds = time.perf_counter() - start
gc.collect()
print(json.dumps({"added_mb": rss() - before, "seconds": seconds, "concepts": base.concepts}))
"""


def worker_rss(url: str) -> None:
    out = subprocess.run([sys.executable, "-c", WORKER_RSS, url], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout
    got = json.loads(out.strip().splitlines()[-1])
    print(f"  live term base from SQLite, fresh process: {got['concepts']:,} concepts in {got['seconds']:.1f} s, "
          f"RSS added {got['added_mb']:.0f} MB (goal ≤ 150 MB)")


def http(snaps: list[dict], doc: str, seconds: int) -> None:
    from _server import running_server
    from _validate_http import wrk
    ten_kb = doc[:3400]
    # a POST /check counts as a batch request for the rate limiter (api/ratelimit.py): off for a load test
    with running_server(workers=2, env={"SFREG_RATE_BATCH_IP": "", "SFREG_RATE_BATCH_TOKEN": ""}) as (base, env):
        fill_database(env["SFREG_DATABASE_URL"], snaps)
        _wait_for(base, len(snaps))
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as body:
            body.write(orjson.dumps({"text": ten_kb}))
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:  # LuaJIT has no \u escapes
            lua.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                      f'local f = io.open("{body.name}", "rb")\nwrk.body = f:read("*all")\nf:close()\n')
        args = ["-s", lua.name]
        _wrk(wrk, base, 4, 2, args)  # warm
        print(f"HTTP, sfreg serve --workers 2, wrk -t2, POST /api/v1/check of {len(ten_kb.encode()):,} bytes")
        for connections in (4, 16):
            rps, p99 = _wrk(wrk, base, connections, seconds, args)
            goal = " (goal ≤ 20 ms)" if connections == 4 else ""
            print(f"  {connections:2d} connections: {rps:8,.0f} req/s   p99 {p99:6.2f} ms{goal}")
        trips = []
        for _ in range(5):
            start = time.perf_counter()
            _post(base, doc)
            trips.append(time.perf_counter() - start)
        print(f"  1 MB document, JSON POST round trip: median {sorted(trips)[2] * 1000:.0f} ms")


def _wrk(wrk, base: str, connections: int, seconds: int, args: list[str]) -> tuple[float, float]:
    import re
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *args,
                          base + "/api/v1/check"], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw error answers:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _post(base: str, doc: str) -> dict:
    request = urllib.request.Request(base + "/api/v1/check", data=orjson.dumps({"text": doc}),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def _wait_for(base: str, count: int, timeout: float = 300) -> None:
    """Until several answers in a row (both workers) come from a term base holding the new concepts."""
    deadline, streak = time.monotonic() + timeout, 0
    while streak < 10:
        if time.monotonic() > deadline:
            raise SystemExit("the workers did not rebuild their term bases in time")
        streak = streak + 1 if _post(base, "证券")["summary"]["term_base"]["concepts"] >= count else 0
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--http-seconds", type=int, default=10)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--http-only", action="store_true", help="skip the in-process figures")
    options = parser.parse_args()
    print(f"load average before: {' '.join(Path('/proc/loadavg').read_text().split()[:3])} (2 cores)")
    rng = random.Random(options.seed)
    snaps = snapshots(options.concepts, rng)
    print(f"term forms: {sum(len(s['terms']) for s in snaps):,}")
    if options.http_only:
        http(snaps, document(snaps, rng)[0], options.http_seconds)
        return
    base = build_figures(snaps)
    doc, planted = document(snaps, rng)
    gc.collect()
    gc.freeze()  # as a served worker does after start (api/lifecycle.py): the generator's 100k dicts aside
    answer, times = check_in_process(base, doc)
    print(f"1 MB document: {len(doc.encode()):,} bytes, {len(doc):,} characters, "
          f"{answer['summary']['error'] + answer['summary']['info'] + answer['summary']['recognised']:,} findings")
    for name, (wall, cpu) in times.items():
        goal = "   (goal ≤ 250 ms)" if name == "check total" else ""
        print(f"  {name:<18} {wall * 1000:7.1f} ms wall, {cpu * 1000:7.1f} ms CPU{goal}")
    recall(answer, planted)
    home = tempfile.mkdtemp(prefix="sfreg-bench-check-")
    url = f"sqlite:///{home}/sfreg.db"
    subprocess.run([sys.executable, "-m", "sfreg_cli", "db", "upgrade"], check=True, capture_output=True,
                   env={**__import__("os").environ, "SFREG_DATABASE_URL": url, "SFREG_HOME": home},
                   cwd=Path(__file__).resolve().parent.parent)
    fill_database(url, snaps)
    worker_rss(url)
    if not options.no_http:
        http(snaps, doc, options.http_seconds)


if __name__ == "__main__":
    main()
