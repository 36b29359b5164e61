"""Validate codes of a classification scheme: does the code exist (on `as_of`, live or in a release), at
which level, under which ancestors, and is it well formed for that level.

The answer has the shape of the other validators' (codes.validation): `valid` means well formed and
registered and in force on the day asked; `components` carry the level, its names and the path of
ancestors (codes and names, root first); `errors` name position, expected and found in zh and en.
"""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from codes import as_of as in_release
from codes import classification, rules, service
from codes import classification_rules as crules
from codes.models import CodeScheme
from registry.clock import utcnow
from registry.releases import service as releases

VIEW_FIELDS = ("code", "name_zh", "name_en", "status", "valid_from", "valid_to", "successor", "parent")


def is_classification(engine: Engine, slug: str) -> bool:
    with Session(engine) as session:
        return classification.find_classification(session, slug) is not None


def validate_nodes(engine: Engine, slug: str, raws: Sequence[str], *, as_of: date | None = None,
                   release: str | None = None) -> list[dict[str, Any]]:
    """One verdict per input, in input order; raise NotFound (scheme, release)."""
    day = as_of or utcnow().date()
    with Session(engine) as session:
        scheme = classification.get_classification(session, slug)
        frozen = releases.resolve(session, release) if release is not None else None
        folded = {raw: crules.fold(raw) for raw in raws}
        known = _with_ancestors(session, slug, {c for c in folded.values() if c}, frozen)
    levels = classification.levels_of(scheme)
    judged = {code: _verdict(scheme, levels, code, known, day) for code in set(folded.values())}
    return [{**judged[folded[raw]], "input": raw} for raw in raws]


def _with_ancestors(session: Session, slug: str, codes: set[str], frozen) -> dict[str, dict[str, Any]]:
    """The registered views of `codes`, their ancestors', and of the ancestors their structure implies."""
    levels = classification.levels_of(classification.get_classification(session, slug))
    wanted = set(codes) | {a for c in codes for a in crules.expected_ancestors(levels, c)}
    known: dict[str, dict[str, Any]] = {}
    for _ in range(crules.MAX_LEVELS + 1):
        wanted -= set(known)
        if not wanted:
            break
        found = _fetch(session, slug, wanted, frozen)
        known.update(found)
        wanted = {v["parent"] for v in found.values() if v.get("parent")}
    return known


def _fetch(session: Session, slug: str, codes: set[str], frozen) -> dict[str, dict[str, Any]]:
    if frozen is None:
        return {code: {k: v for k, v in asdict(node).items() if k in VIEW_FIELDS}
                for code, node in classification.nodes(session, slug, sorted(codes)).items()}
    out = {}
    for code, revision in in_release.lookup(session, slug, codes, frozen).items():
        view = in_release.release_view(revision)
        out[code] = {k: view.get(k) for k in VIEW_FIELDS}
    return out


def _verdict(scheme: CodeScheme, levels: list[crules.Level], code: str, known: dict[str, dict[str, Any]],
             day: date) -> dict[str, Any]:
    view = known.get(code)
    if view is not None and view["valid_from"] and day < view["valid_from"]:
        view = None  # not yet in force on the day asked
    chain = _chain(code, known) if view is not None else [a for a in crules.expected_ancestors(levels, code)
                                                           if a in known]
    level = len(chain) + 1 if view is not None else crules.level_of(levels, code)
    parent = view["parent"] if view is not None else (chain[-1] if chain else None)
    errors = crules.check_code(levels, code, level=level, parent=parent)
    pattern_ok = not errors
    if pattern_ok:
        errors += _registry_findings(scheme.slug, code, view, day)
    record = _record(view, day)
    return {"normalized": code, "valid": not errors, "errors": errors, "warnings": [],
            "components": _components(scheme, levels, level, chain, known, pattern_ok),
            "registered": view is not None, "record": record}


def _chain(code: str, known: dict[str, dict[str, Any]]) -> list[str]:
    out, current = [], known[code].get("parent")
    while current and current in known and current not in out and len(out) < crules.MAX_LEVELS:
        out.insert(0, current)
        current = known[current].get("parent")
    return out


def _components(scheme: CodeScheme, levels: list[crules.Level], level: int | None, chain: list[str],
                known: dict[str, dict[str, Any]], pattern_ok: bool) -> dict[str, Any]:
    spec = levels[level - 1] if level and level <= len(levels) else None
    return {"scheme": scheme.slug, "scheme_name_zh": scheme.name_zh, "scheme_name_en": scheme.name_en,
            "level": level, "level_name_zh": spec.name_zh if spec else None,
            "level_name_en": spec.name_en if spec else None, "pattern_ok": pattern_ok,
            "expected": {"length": spec.length, "charset": spec.charset} if spec else
            {"lengths": [lv.length for lv in levels]},
            "path": [{"code": c, "name_zh": known[c]["name_zh"], "name_en": known[c]["name_en"], "level": i}
                     for i, c in enumerate(chain, 1)]}


def _registry_findings(slug: str, code: str, view: dict[str, Any] | None, day: date) -> list[dict[str, Any]]:
    if view is None:
        return [crules.finding("not_registered", f"{slug} code {code} is not in the classification on {day}",
                               f"{code} 在 {day} 不属于分类 {slug}", expected="a registered code", found=code)]
    status = rules.status_on(view["status"], view["valid_from"], view["valid_to"], day)
    if status == "active":
        return []
    successor = f"; successor {view['successor']}" if view.get("successor") else ""
    successor_zh = f"，后继代码 {view['successor']}" if view.get("successor") else ""
    return [crules.finding(status, f"{slug} code {code} is {status} on {day}{successor}",
                           f"{code} 在 {day} 已失效（{status}）{successor_zh}", expected="active", found=status)]


def _record(view: dict[str, Any] | None, day: date) -> dict[str, Any] | None:
    if view is None:
        return None
    return {**view, "status_as_of": rules.status_on(view["status"], view["valid_from"], view["valid_to"], day)}


def describe_schemes(engine: Engine) -> list[dict[str, str]]:
    """Each classification scheme as a validation kind (GET /validate lists them after the validators)."""
    with Session(engine) as session:
        return [{"kind": s.slug, "description": f"{s.name_en}: existence, level, ancestors, level pattern",
                 "description_zh": f"{s.name_zh}：是否存在、层级、上级路径、层级格式"}
                for s in service.list_schemes(session) if s.kind == classification.CLASSIFICATION]
