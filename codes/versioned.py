"""How the release machinery sees code entries: revision table, scope (schemes), diffs."""

from typing import Any

from sqlmodel import Session, select

from codes.models import CodeRevision, CodeScheme
from registry.releases.revisions import field_diff
from registry.releases.versioned import VersionedTable


def _schemes(session: Session) -> list[str]:
    return list(session.exec(select(CodeScheme.slug).order_by(CodeScheme.slug)))


def label(snapshot: dict[str, Any]) -> str:
    return " ".join(v for v in (snapshot["code"], snapshot.get("name_zh") or snapshot.get("name_en")) if v)


CODES = VersionedTable(kind="code", revision=CodeRevision, scope_key="schemes", all_scopes=_schemes,
                       visible=lambda stage: None, describe=field_diff, label=label)
