"""The rules of a term entry: designations per language, lifecycle transitions, approval readiness."""

from collections import Counter
from typing import Any

from registry import writes
from registry.auth import Role
from registry.errors import InvalidInput
from terms.models import ConceptStatus, Lang, TermStatus

# (from, to) -> the least role that may move a concept along that edge.
TRANSITIONS: dict[tuple[str, str], Role] = {
    ("draft", "proposed"): Role.editor,
    ("proposed", "draft"): Role.editor,
    ("proposed", "approved"): Role.reviewer,
    ("approved", "deprecated"): Role.reviewer,
    ("draft", "retired"): Role.editor,
    ("proposed", "retired"): Role.reviewer,
    ("approved", "retired"): Role.reviewer,
    ("deprecated", "retired"): Role.reviewer,
    ("deprecated", "approved"): Role.reviewer,
}

LIVE_STATUSES = frozenset(s for s in ConceptStatus if s != ConceptStatus.retired)


def is_live(status: str) -> bool:
    return status != ConceptStatus.retired


def check_terms(terms: list[dict[str, Any]], status: str) -> None:
    """At most one preferred term per language; once the concept has left draft, exactly one per language
    present and a zh-CN one among them. A draft may be incomplete — it may hold only equivalents, or a
    language without a preferred term, as TBX files from translation tools do. Raise InvalidInput."""
    errors = []
    draft = status == ConceptStatus.draft
    preferred = Counter(t["lang"] for t in terms if t["status"] == TermStatus.preferred)
    for lang in sorted({t["lang"] for t in terms}):
        if preferred[lang] > 1 or (preferred[lang] == 0 and not draft):
            index = next(i for i, t in enumerate(terms) if t["lang"] == lang)
            wanted = "at most one is allowed in a draft" if draft else f"exactly one is required when {status}"
            errors.append({"pointer": f"/terms/{index}", "detail":
                           f"language {lang} has {preferred[lang]} preferred terms; {wanted}"})
    if Lang.zh_cn not in preferred and not draft:
        errors.append({"pointer": "/terms", "detail": f"a zh-CN preferred term (首选术语) is required "
                                                      f"before a concept is {status}"})
    if errors:
        raise InvalidInput("; ".join(e["detail"] for e in errors), errors=errors)


def require_transition(current: str, target: str, role: Role) -> None:
    """Raise InvalidInput for an edge that does not exist, PermissionDenied for one the role may not take."""
    writes.require_transition(TRANSITIONS, "concept", current, target, role)


def require_approvable(definition: dict[str, str | None]) -> None:
    """A concept needs its zh-CN definition before approval."""
    if not definition.get("zh-CN"):
        raise InvalidInput("a zh-CN definition (定义) is required before approval",
                           errors=[{"pointer": "/definition/zh-CN", "detail": "missing"}])


def sort_key(entry_number: str) -> str:
    """'3.10.2' -> '003.010.002', so text order is number order."""
    return ".".join(f"{int(n):03d}" for n in entry_number.split("."))
