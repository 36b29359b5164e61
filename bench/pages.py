"""Page figures: server time of the entry page and the search page with 100,000 concepts.

    .venv/bin/python bench/pages.py [--concepts 100000] [--requests 1000]

Generates finance-style concepts straight into a temporary SQLite database with SQLAlchemy Core bulk
inserts, in the shape terms/service writes (concept, term, cross_reference and concept_revision rows;
every tenth concept has three revisions of history, most link to two others), opens the app in process
with that database (the search index, when this build has one, is built by the app's own start-up),
then requests `/concepts/{id}` and `/search?q=…` and reads the `Server-Timing` header the page routes
set: the time from routing to the rendered response, without the HTTP client. Goal: p99 ≤ 50 ms each.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from registry import migrate
from registry.database import build_engine, transaction
from registry.settings import get_settings
from terms.models import Concept, ConceptRevision, CrossReference, Term
from terms.pinyin import default_pinyin
from terms.rules import sort_key
from terms.seed import seed_parts

MORPHEMES = [
    ("证券", "securities"), ("期货", "futures"), ("基金", "fund"), ("债券", "bond"), ("股票", "stock"),
    ("期权", "option"), ("保证金", "margin"), ("融资", "financing"), ("融券", "lending"), ("登记", "registration"),
    ("结算", "settlement"), ("交易", "trading"), ("清算", "clearing"), ("托管", "custody"), ("信用", "credit"),
    ("风险", "risk"), ("市场", "market"), ("投资", "investment"), ("资产", "asset"), ("衍生品", "derivative"),
    ("利率", "rate"), ("指数", "index"), ("做市", "market making"), ("承销", "underwriting"), ("回购", "repo"),
    ("质押", "pledge"), ("信托", "trust"), ("账户", "account"), ("公司", "company"), ("机构", "institution"),
    ("业务", "business"), ("合约", "contract"), ("价格", "price"), ("发行", "issuance"), ("上市", "listing"),
    ("行情", "quotation"), ("收益", "yield"), ("净值", "net value"), ("份额", "share"), ("申购", "subscription"),
    ("赎回", "redemption"), ("杠杆", "leverage"), ("对冲", "hedging"), ("套利", "arbitrage"), ("头寸", "position"),
    ("持仓", "holding"), ("报价", "quote"), ("委托", "order"), ("成交", "execution"), ("交割", "delivery"),
    ("现货", "spot"), ("远期", "forward"), ("掉期", "swap"), ("监管", "supervision"), ("合规", "compliance"),
    ("会员", "member"), ("经纪", "brokerage"), ("自营", "proprietary"), ("评级", "rating"), ("违约", "default"),
    ("担保", "guarantee"), ("票据", "bill"), ("外汇", "forex"), ("商品", "commodity"), ("中央", "central"),
    ("对手方", "counterparty"), ("净额", "net"), ("盯市", "mark-to-market"), ("平仓", "liquidation"),
    ("场外", "OTC"), ("境外", "offshore"), ("合格", "qualified"), ("配售", "placement"), ("询价", "inquiry"),
]
FILLERS = ["是指", "依法设立的", "为投资者提供", "按照规定", "进行", "的", "相关", "用于", "约定", "在一定期限内"]
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 5_000


# ---- data -----------------------------------------------------------------------------------------

def generate(count: int, seed: int = 7) -> list[dict]:
    """`count` snapshots with unique zh-CN preferred terms; entry numbers unique within each part."""
    rnd, seen, out = random.Random(seed), set(), []
    readings = {zh: default_pinyin(zh) for zh, _ in MORPHEMES}
    while len(out) < count:
        picks = [rnd.choice(MORPHEMES) for _ in range(rnd.choice((2, 2, 3, 3, 4)))]
        zh = "".join(p[0] for p in picks)
        if zh in seen:
            continue
        seen.add(zh)
        out.append(_snapshot(rnd, len(out), picks, readings, count))
    return out


def _snapshot(rnd: random.Random, index: int, picks, readings, count: int) -> dict:
    part, within = index % 6 + 1, index // 6
    number = f"{part}.{within // 400 + 1}.{within // 20 % 20 + 1}.{within % 20 + 1}"
    zh, en = "".join(p[0] for p in picks), " ".join(p[1] for p in picks)
    terms = [_term(zh, "zh-CN", "preferred", " ".join(readings[p[0]] for p in picks)),
             _term(en, "en", "preferred", None)]
    if rnd.random() < 0.3:
        terms.append(_term(zh[0] + zh[-1] + str(index), "zh-CN", "admitted", None, kind="short_form"))
    targets = sorted({rnd.randrange(count) + 1 for _ in range(2)} - {index + 1})
    return {"part": part, "entry_number": number, "subject_field": picks[0][0], "status": "approved",
            "superseded_by": None, "terms": terms,
            "definition": {"zh-CN": _definition(rnd, picks), "en": f"The {en} as agreed between the parties."},
            "notes": [_definition(rnd, picks)[:30]] if rnd.random() < 0.3 else [],
            "examples": [], "source": {"text": "sfreg 合成条目 (synthetic)", "modified": False},
            "cross_references": [{"type": "see_also", "target": t} for t in targets]}


def _term(text: str, lang: str, status: str, pinyin: str | None, kind: str = "full_form") -> dict:
    return {"text": text, "lang": lang, "status": status, "type": kind, "pinyin": pinyin, "pinyin_curated": False,
            "geographical_usage": None, "source": None}


def _definition(rnd: random.Random, picks) -> str:
    words = [p[0] for p in picks] + [m[0] for m in rnd.sample(MORPHEMES, 3)] + FILLERS
    text = ""
    while len(text) < rnd.randint(30, 80):
        text += rnd.choice(words)
    return text + "。"


def load(url: str, snapshots: list[dict]) -> None:
    """Insert the snapshots (ids 1…n) with their terms, links and revisions, in one transaction."""
    engine = build_engine(url)
    with transaction(engine) as session:
        seed_parts(session)
    with engine.begin() as conn:
        for start in range(0, len(snapshots), CHUNK):
            batch = list(enumerate(snapshots[start:start + CHUNK], start=start + 1))
            conn.execute(insert(Concept), [_concept_row(i, s) for i, s in batch])
            conn.execute(insert(ConceptRevision), [r for i, s in batch for r in _revisions(i, s)])
            conn.execute(insert(Term), [t for i, s in batch for t in _term_rows(i, s)])
        for start in range(0, len(snapshots), CHUNK):
            batch = enumerate(snapshots[start:start + CHUNK], start=start + 1)
            rows = [{"concept_id": i, "type": x["type"], "target_id": x["target"]}
                    for i, s in batch for x in s["cross_references"]]
            if rows:
                conn.execute(insert(CrossReference), rows)
    engine.dispose()


def _revision_count(concept_id: int) -> int:
    return 3 if concept_id % 10 == 0 else 1


def _concept_row(concept_id: int, snap: dict) -> dict:
    return {"id": concept_id, "part": snap["part"], "entry_number": snap["entry_number"],
            "live_number": snap["entry_number"], "sort_key": sort_key(snap["entry_number"]),
            "subject_field": snap["subject_field"], "status": snap["status"],
            "definition_zh": snap["definition"]["zh-CN"], "definition_en": snap["definition"]["en"],
            "source_text": snap["source"]["text"], "source_modified": False, "notes": snap["notes"],
            "examples": [], "rev": _revision_count(concept_id), "created_at": NOW, "updated_at": NOW}


def _revisions(concept_id: int, snap: dict) -> list[dict]:
    count = _revision_count(concept_id)
    out = []
    for rev in range(1, count + 1):
        data = snap if rev == count else {**snap, "definition": {"zh-CN": f"第 {rev} 版定义。"}}
        out.append({"entity_id": concept_id, "rev": rev, "status": snap["status"], "scope": str(snap["part"]),
                    "key": snap["entry_number"], "data": data, "actor": "bench",
                    "action": "create" if rev == 1 else "update", "change_note": None,
                    "created_at": NOW - timedelta(days=count - rev)})
    return out


def _term_rows(concept_id: int, snap: dict) -> list[dict]:
    return [{**term, "concept_id": concept_id, "position": position,
             "preferred_key": term["text"] if term["lang"] == "zh-CN" and term["status"] == "preferred" else None}
            for position, term in enumerate(snap["terms"])]


# ---- measuring ------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def server_ms(response) -> float:
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return float(response.headers["server-timing"].split("dur=")[1])


def queries(snapshots: list[dict], count: int, seed: int = 11) -> list[str]:
    """Search box input as people type it: a term, part of one, its pinyin initials, an English word."""
    rnd, out = random.Random(seed), []
    for _ in range(count):
        terms = rnd.choice(snapshots)["terms"]
        zh, pinyin, en = terms[0]["text"], terms[0]["pinyin"], terms[1]["text"]
        out.append(rnd.choice([zh, zh[:2], "".join(s[0] for s in pinyin.split()), en.split()[0]]))
    return out


def measure(client, paths: list[str], warm: int = 50) -> tuple[list[float], list[float]]:
    """Server times and client wall times (ms) of GET `paths`, after `warm` unmeasured requests."""
    for path in paths[:warm]:
        client.get(path)
    server, wall = [], []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path, headers={"Accept": "text/html"})
        wall.append((time.perf_counter() - started) * 1000)
        server.append(server_ms(response))
    return server, wall


def report(name: str, server: list[float], wall: list[float], goal: float) -> bool:
    p99 = percentile(server, 99)
    print(f"{name:<14} n={len(server):<5} server p50 {statistics.median(server):6.2f} ms  p99 {p99:6.2f} ms  "
          f"max {max(server):6.2f} ms | client p50 {statistics.median(wall):6.2f} ms  "
          f"p99 {percentile(wall, 99):6.2f} ms  {'OK' if p99 <= goal else 'OVER GOAL'} (p99 ≤ {goal:g} ms)")
    return p99 <= goal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1_000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sfreg-bench-pages-"))
    url = f"sqlite:///{home / 'sfreg.db'}"
    os.environ.update(SFREG_HOME=str(home), SFREG_DATABASE_URL=url, SFREG_INDEX_DIR=str(home / "index"))
    get_settings.cache_clear()
    started = time.perf_counter()
    migrate.upgrade(url)
    snapshots = generate(args.concepts)
    load(url, snapshots)
    print(f"generated and loaded {args.concepts:,} concepts in {time.perf_counter() - started:.1f} s")
    try:
        return run(args, snapshots)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(args, snapshots: list[dict]) -> int:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.pages import features
    rnd = random.Random(3)
    started = time.perf_counter()
    with TestClient(create_app()) as client:
        print(f"app started (search index ready) in {time.perf_counter() - started:.1f} s")
        entry = [f"/concepts/{rnd.randint(1, args.concepts)}" for _ in range(args.requests)]
        ok = report("entry page", *measure(client, entry), goal=50)
        if not features.search_ready():
            print("search page    not measured: this build has no search index yet")
            return 0 if ok else 1
        search = [f"/search?q={q}" for q in queries(snapshots, args.requests)]
        ok = report("search page", *measure(client, search), goal=50) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
