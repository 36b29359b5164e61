"""Validate identifiers and say whether the registry holds them: single codes and batches.

`valid` is the identifier's own verdict (format, check digits, prefixes); for MICs it also covers
existence and status in the `venue` scheme on the date asked, as ISO 10383 defines validity by the
register. `registered` says whether the code is in the registry: an ISIN can pass its check digit and
still not exist. Kinds without a registry of their own (cfi, lei, uscc) answer `registered: null`.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from codes import as_of as in_release
from codes import classification_validate, cross_links, row_cache, service
from codes.validators import KINDS, get_validator
from registry.clock import utcnow
from registry.database import get_engine
from registry.errors import NotFound, TooLarge
from registry.releases import service as releases

REGISTRY_OF = {"isin": "isin", "mic": "venue"}
MAX_BATCH = 10_000
MAX_INPUT_CHARS = 64  # longer inputs are reported on a shortened copy; no identifier is that long


def kinds() -> list[str]:
    return sorted(KINDS)


# One line per validator kind (en, zh) for GET /validate. Classification schemes validated at
# /validate/{scheme}/{code} are listed after these by their own module (codes.classification_validate).
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "isin": ("ISIN, ISO 6166: prefix, check digit; registered ISIN records", "国际证券识别编码（ISO 6166）"),
    "cfi": ("CFI, ISO 10962:2021: every category, group and attribute letter", "金融工具分类编码（ISO 10962:2021）"),
    "lei": ("LEI, ISO 17442: layout and MOD 97-10 check digits", "法人机构识别编码（ISO 17442）"),
    "uscc": ("Unified Social Credit Code, GB 32100: authority, type, region, both check characters",
             "统一社会信用代码（GB 32100）"),
    "mic": ("MIC, ISO 10383: format and the register on the date asked", "市场识别码（ISO 10383）"),
    "cn_security": ("SSE/SZSE/BSE security code: venue and kind by code range, BSE 920 switch, ISIN link",
                    "沪深北交易所证券代码：交易场所、证券类别、北交所 920 代码切换、关联 ISIN"),
    "cn_futures": ("Futures contract code of CFFEX, SHFE, INE, DCE, CZCE, GFEX: product, listed month",
                   "期货合约代码（中金所、上期所、上期能源、大商所、郑商所、广期所）：品种、合约月份"),
    "cn_option": ("Listed option code in each exchange's form or sfreg's unified form: underlying, type, "
                  "month, strike", "期权合约代码（各交易所格式与统一格式）：标的、类型、月份、行权价"),
}


def describe_kinds() -> list[dict[str, str]]:
    """Every validator kind with a one-line description in English and Chinese."""
    return [{"kind": kind, "description": DESCRIPTIONS[kind][0], "description_zh": DESCRIPTIONS[kind][1]}
            for kind in kinds()]


def require_kind(kind: str) -> None:
    """Raise NotFound unless `kind` is a validator or a classification scheme (codes.classification)."""
    if kind not in KINDS and not classification_validate.is_classification(get_engine(), kind):
        raise NotFound(f"no validator or classification scheme '{kind[:40]}'; kinds: {', '.join(kinds())}",
                       kinds=kinds())


def validate_code(engine: Engine, kind: str, raw: str, *, as_of: date | None = None,
                  release: str | None = None) -> dict[str, Any]:
    """`validate_codes` of one code. Against the live registry the answer is remembered until the code
    library changes (row_cache): the high-volume GET asks about the same codes again and again."""
    if release is not None or len(raw) > MAX_INPUT_CHARS:
        return validate_codes(engine, kind, [raw], as_of=as_of, release=release)[0]
    key = (kind, raw, as_of or utcnow().date())
    return row_cache.remembered(engine, key, lambda: validate_codes(engine, kind, [raw], as_of=as_of)[0])


def validate_codes(engine: Engine | None, kind: str, raws: Sequence[str], *, as_of: date | None = None,
                   release: str | None = None) -> list[dict[str, Any]]:
    """One result per input, in input order, against the live registry or the release named `release`;
    raise NotFound (kind, release) or TooLarge (> 10,000 codes)."""
    require_kind(kind)
    if len(raws) > MAX_BATCH:
        raise TooLarge(f"{len(raws)} codes in one batch; the limit is {MAX_BATCH}", limit=MAX_BATCH)
    if kind not in KINDS:  # a classification scheme: existence, level, ancestors, level pattern
        return classification_validate.validate_nodes(engine or get_engine(), kind, [_bounded(r) for r in raws],
                                                      as_of=as_of, release=release)
    check = get_validator(kind).check
    # A batch often repeats codes: each distinct input is judged once, and its answer (a fresh dict, completed
    # in place below) stands at every position where the input appears.
    judged: dict[str, dict[str, Any]] = {}
    for raw in raws:
        if raw not in judged:
            judged[raw] = check(_bounded(raw), as_of=as_of).as_dict()
    scheme = REGISTRY_OF.get(kind)
    if scheme is None or engine is None:
        for verdict in judged.values():
            verdict["registered"] = verdict["record"] = None
    else:
        day = as_of or utcnow().date()
        found = _lookup(engine, scheme, {v["normalized"] for v in judged.values() if _well_formed(v)}, release, day)
        for verdict in judged.values():
            _add_registry(kind, verdict, found.get(verdict["normalized"]), day)
    if kind in cross_links.LINKED_KINDS and engine is not None and release is None:
        cross_links.add_links(engine, kind, judged.values(), as_of or utcnow().date())
    return [judged[raw] for raw in raws]


def _lookup(engine: Engine, scheme: str, codes: set[str], release: str | None,
            day: date) -> dict[str, dict[str, Any]]:
    """Registry views of `codes`: live ones through a plain connection (the hot path: no ORM objects),
    a release's through a session."""
    if release is None:
        rows = row_cache.registered_rows(engine, scheme, codes)
        return {code: service.public_view(row, as_of=day) for code, row in rows.items()}
    with Session(engine) as session:
        frozen = releases.resolve(session, release)
        return {c: in_release.release_view(r, as_of=day)
                for c, r in in_release.lookup(session, scheme, codes, frozen).items()}


def _bounded(raw: str) -> str:
    return raw if len(raw) <= MAX_INPUT_CHARS else raw[:MAX_INPUT_CHARS] + "…"


def _well_formed(verdict: dict[str, Any]) -> bool:
    return not any(e["code"] in ("invalid_format", "invalid_length") for e in verdict["errors"])


def _add_registry(kind: str, verdict: dict[str, Any], view: dict[str, Any] | None, day: date) -> None:
    record = _record(view, day)
    verdict["registered"], verdict["record"] = record is not None, record
    if kind == "mic" and _well_formed(verdict):
        verdict["errors"] += _mic_registry_errors(verdict["normalized"], record, day)
        verdict["valid"] = not verdict["errors"]


def _record(view: dict[str, Any] | None, day: date) -> dict[str, Any] | None:
    if view is None or (view["valid_from"] and day < view["valid_from"]):
        return None
    return {k: view[k] for k in ("code", "name_zh", "name_en", "status", "status_as_of", "valid_from",
                                 "valid_to", "successor", "parent", "attrs")}


def _mic_registry_errors(code: str, record: dict[str, Any] | None, day: date) -> list[dict[str, str]]:
    if record is None:
        return [{"code": "not_registered", "message": f"MIC {code} is not in the ISO 10383 register on {day}",
                 "message_zh": f"MIC {code} 在 {day} 未登记于 ISO 10383 市场识别码表"}]
    if record["status_as_of"] != "active":
        since = record["valid_to"] or "an unknown date"
        return [{"code": "expired", "message": f"MIC {code} is {record['status_as_of']} since {since}",
                 "message_zh": f"MIC {code} 自 {since} 起已失效（{record['status_as_of']}）"}]
    return []


def forget_recent() -> None:
    """Drop the cached registry rows: called after every commit in this process, so a write is seen by
    this process's validation at once (other processes: within row_cache.CHECK_SECONDS)."""
    row_cache.forget()
