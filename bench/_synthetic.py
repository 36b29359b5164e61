"""Synthetic registries for the benchmarks: concepts and ISIN records written straight through Core."""

import json
import random
import string
from datetime import UTC, datetime

from sqlalchemy import Engine, insert

from codes.models import CodeEntry, CodeRevision
from codes.validators import isin
from registry.rows import chunked
from terms.models import Concept, ConceptRevision

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CHARS = "证券期货基金交易结算登记清算保证金融资融券市场行情银行承销发行股票债券期权指数风险管理机构投资者"


def concept_snapshot(n: int, rng: random.Random, definition: str | None = None) -> dict:
    term = "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 8))) + str(n)
    part = n % 6 + 1
    return {"part": part, "entry_number": f"{part}.{n // 1000 + 1}.{n % 1000 + 1}", "subject_field": "合成",
            "status": "approved", "superseded_by": None,
            "terms": [{"text": term, "lang": "zh-CN", "status": "preferred", "type": "full_form", "pinyin": None,
                       "pinyin_curated": False, "geographical_usage": None, "source": None},
                      {"text": f"synthetic term {n}", "lang": "en", "status": "preferred", "type": "full_form",
                       "pinyin": None, "pinyin_curated": False, "geographical_usage": None, "source": None}],
            "definition": {"zh-CN": definition or "".join(rng.choice(CHARS) for _ in range(40))},
            "notes": [], "examples": [], "source": None, "cross_references": []}


def sort_key(entry_number: str) -> str:
    return ".".join(f"{int(x):03d}" for x in entry_number.split("."))


def insert_concepts(engine: Engine, count: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    snapshots = [concept_snapshot(n, rng) for n in range(count)]
    with engine.begin() as conn:
        for batch in chunked(range(count), 20_000):
            conn.execute(insert(Concept), [_concept_row(i + 1, snapshots[i]) for i in batch])
            conn.execute(insert(ConceptRevision), [_concept_revision(i + 1, 1, snapshots[i]) for i in batch])


def _concept_row(concept_id: int, snap: dict) -> dict:
    return {"id": concept_id, "part": snap["part"], "entry_number": snap["entry_number"],
            "live_number": snap["entry_number"], "sort_key": sort_key(snap["entry_number"]),
            "subject_field": "合成", "status": "approved", "definition_zh": snap["definition"]["zh-CN"],
            "source_modified": False, "notes": [], "examples": [], "rev": 1, "created_at": NOW, "updated_at": NOW}


def _concept_revision(concept_id: int, rev: int, snap: dict) -> dict:
    return {"entity_id": concept_id, "rev": rev, "status": snap["status"], "scope": str(snap["part"]),
            "key": sort_key(snap["entry_number"]), "data": snap, "actor": "bench", "action": "bench",
            "created_at": NOW}


def synthetic_isin(n: int) -> str:
    body = "CN" + f"{n:09d}"
    body = body[:2] + "".join(string.ascii_uppercase[int(d)] if i == 3 else d for i, d in enumerate(body[2:]))
    return body + isin.calc_check_digit(body)


def isin_snapshot(code: str, n: int, status: str = "active") -> dict:
    return {"code": code, "name_zh": f"合成证券{n}", "name_en": f"Synthetic {n}", "status": status,
            "valid_from": "2020-01-01", "valid_to": None, "successor": None, "parent": None,
            "attrs": {"venue": "XSHG", "local_code": f"{600000 + n % 400000}.SH"}}


def insert_isins(engine: Engine, count: int) -> None:
    with engine.begin() as conn:
        for batch in chunked(range(count), 20_000):
            codes = [(i + 1, synthetic_isin(i)) for i in batch]
            conn.execute(insert(CodeEntry), [_code_row(cid, code, isin_snapshot(code, cid)) for cid, code in codes])
            conn.execute(insert(CodeRevision),
                         [_code_revision(cid, 1, isin_snapshot(code, cid)) for cid, code in codes])


def _code_row(entry_id: int, code: str, snap: dict) -> dict:
    return {"id": entry_id, "scheme": "isin", "code": code, "name_zh": snap["name_zh"], "name_en": snap["name_en"],
            "status": snap["status"], "attrs": snap["attrs"], "search_text": code.lower(), "rev": 1,
            "created_at": NOW, "updated_at": NOW}


def _code_revision(entry_id: int, rev: int, snap: dict) -> dict:
    return {"entity_id": entry_id, "rev": rev, "status": snap["status"], "scope": "isin", "key": snap["code"],
            "data": snap, "actor": "bench", "action": "bench", "created_at": NOW}


def json_size(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode())
