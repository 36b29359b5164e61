"""Gather what the classification pages show: the tree a level at a time, a node with its path, searches."""

from typing import Any

from sqlmodel import Session

from codes import classification, service
from registry.clock import utcnow


def tree_page(session: Session, slug: str, *, q: str) -> dict[str, Any]:
    """The whole tree (as far as one page's budget goes) and, with `q`, the matching nodes and their paths."""
    view = classification.tree_view(session, slug)
    matches = classification.search(session, slug, q.strip()) if q.strip() else []
    return {**view, "q": q, "matches": matches, "node": None, "sample": _sample(view["scheme"])}


def node_page(session: Session, slug: str, code: str) -> dict[str, Any]:
    """One node: its path, facts, status today and the branch below it; raise NotFound."""
    view = classification.tree_view(session, slug, code)
    node = view["path"][-1]
    entry = service.public_view(service.get_code(session, slug, node.code), as_of=utcnow().date())
    spec = view["levels"][node.level - 1] if node.level <= len(view["levels"]) else None
    return {**view, "q": "", "matches": [], "node": node, "entry": entry, "spec": spec,
            "sample": _sample(view["scheme"])}


def _sample(scheme) -> bool:
    return "sample" in (scheme.slug or "") or "示例" in (scheme.name_zh or "")
