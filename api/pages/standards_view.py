"""Gather what the standard and comment pages show: standards, a standard's timeline, releases and
comment periods, a period's comments (filtered, as the viewer may see them), an entry's comments,
the disposition table and the comment-driven diff."""

from typing import Any

from sqlmodel import Session

from api.versioned import TABLES
from importers import comment_table
from registry.auth import Actor, Role
from registry.errors import NotFound, PermissionDenied
from registry.releases import service as releases
from registry.standards import periods
from registry.standards import service as standards
from registry.standards.models import StandardStage
from terms import service as terms_service
from terms import standards as term_standards
from terms.comments import diff, entries, table, views
from terms.comments import service as comments
from terms.comments.models import CommentField, CommentStatus, CommentType, Decision

FILTERS = ("entry", "organization", "decision", "status")
MAIN_STAGES = [s for s in StandardStage if s != StandardStage.withdrawn]


def list_page(session: Session) -> dict[str, Any]:
    parts = term_standards.part_numbers(session)
    return {"standards": [{"s": s, "parts": parts.get(s.id, [])} for s in standards.list_standards(session)]}


def standard_page(session: Session, key: str, actor: Actor | None) -> dict[str, Any]:
    """One standard: facts, stage timeline, its releases, its comment periods with their statistics."""
    standard = standards.get_standard(session, key)
    found = views.periods_of_standard(session, standard)
    return {"s": standard, "parts": term_standards.parts_of(session, standard.id),
            "timeline": timeline(standard), "releases": views.releases_of_standard(session, standard),
            "periods": [_period(session, p, r) for p, r in found],
            "open_candidates": _open_candidates(session, standard, found), **form_context(actor)}


def timeline(standard) -> list[dict[str, Any]]:
    """Every stage in order: its date when reached, and whether it is done, current or ahead."""
    dated = {e["stage"]: e for e in standard.stage_history}
    current = StandardStage(standard.stage)
    stages = MAIN_STAGES + ([StandardStage.withdrawn] if current == StandardStage.withdrawn else [])
    return [{"stage": s, "event": dated.get(s), "state": "current" if s == current else
             "done" if s in dated or (current != StandardStage.withdrawn and s.order < current.order) else "ahead"}
            for s in stages]


def _period(session: Session, period, release) -> dict[str, Any]:
    return {"p": period, "release": release, "state": periods.state(period), "days_left": periods.days_left(period),
            "counts": comments.counts(session, period)}


def _open_candidates(session: Session, standard, found) -> list[Any]:
    """The standard's 征求意见稿 without a period yet (a reviewer may open one)."""
    taken = {r.seq for _, r in found}
    if standard.stage != StandardStage.comment:
        return []
    return [r for r in views.releases_of_standard(session, standard)
            if r.stage == "comment_draft" and r.seq not in taken]


def form_context(actor: Actor | None) -> dict[str, Any]:
    return {"types": list(CommentType), "fields": list(CommentField), "decisions": list(Decision),
            "statuses": list(CommentStatus), "is_staff": comments.is_staff(actor),
            "can_comment": actor is not None,
            "is_reviewer": actor is not None and actor.role.rank >= Role.reviewer.rank}


def comments_page(session: Session, name: str, actor: Actor | None, filters: dict[str, str]) -> dict[str, Any]:
    """A period's comments the viewer may see, under the filters, with the forms the viewer may use."""
    release, period, standard = views.release_period(session, name)
    chosen = {k: v for k, v in filters.items() if v}
    found = comments.list_comments(session, period, actor=actor, entry=chosen.get("entry"),
                                   organization=chosen.get("organization"),
                                   decision=_choice(chosen.get("decision"), Decision),
                                   status=_choice(chosen.get("status"), CommentStatus))
    everyone = comments.list_comments(session, period, actor=actor)
    return {"release": release, "period": period, "standard": standard, "state": periods.state(period),
            "days_left": periods.days_left(period), "comments": found, "filters": chosen,
            "organizations": sorted({c.organization for c in everyone}), "counts": comments.counts(session, period),
            "row_errors": {}, **form_context(actor)}


def _choice(value: str | None, kind) -> str | None:
    return value if value in set(kind) else None


def entry_page(session: Session, concept_id: int, actor: Actor | None) -> dict[str, Any]:
    """One entry's comments (every period) and the form of the period open on it, if any."""
    concept = terms_service.get_concept(session, concept_id)
    view = terms_service.read_concept(session, concept_id)
    preferred = next((t["text"] for t in view["terms"] if t["lang"] == "zh-CN" and t["status"] == "preferred"), "")
    return {"c": view, "term": preferred, "open": _open_on(session, concept),
            "comments": comments.comments_on_concept(session, concept_id, actor=actor), **form_context(actor)}


def _open_on(session: Session, concept) -> dict[str, Any] | None:
    """The open period whose 征求意见稿 holds this entry, with the entry number it has there."""
    standard = term_standards.standard_of_part(session, concept.part)
    if standard is None:
        return None
    for period, release in views.periods_of_standard(session, standard):
        if periods.state(period) != "open":
            continue
        held = entries.entries_of(session, release, [concept.entry_number]).get(concept.entry_number, [])
        match = next((e for e in held if e.concept_id == concept.id), None)
        if match is not None:
            return {"release": release, "period": period, "entry_number": f"{match.part}/{match.entry_number}",
                    "days_left": periods.days_left(period)}
    return None


def disposition_page(session: Session, name: str, actor: Actor | None) -> dict[str, Any]:
    release, period, standard = views.release_period(session, name)
    if period.published_at is None and not comments.is_staff(actor):
        raise PermissionDenied("the disposition table is not published yet")
    data = table.disposition_table(session, period, release, standard)
    return {"data": data, "summary_line": table.summary_line(data), "release": release, "standard": standard}


def table_writer(fmt: str):
    """(writer, media type) of the disposition table as `fmt` (xlsx or docx); raise NotFound otherwise."""
    if fmt == "xlsx":
        return comment_table.write_xlsx, comment_table.XLSX_MEDIA
    if fmt == "docx":
        return comment_table.write_docx, comment_table.DOCX_MEDIA
    raise NotFound(f"no disposition table as '{fmt[:10]}'; use xlsx or docx")


def comment_diff_page(session: Session, a: str, b: str, actor: Actor | None) -> dict[str, Any]:
    old, period, standard = views.release_period(session, a)
    if period.published_at is None and not comments.is_staff(actor):
        raise PermissionDenied("the comments of this period are not published yet")
    result = diff.comment_diff(session, old, releases.resolve(session, b), TABLES, period)
    concepts = [e for key in ("changed", "removed", "added") for e in result[key] if e["kind"] == "concept"]
    return {"a": old, "b": releases.resolve(session, b), "standard": standard, "entries": concepts,
            "unapplied": result["unapplied"], "counts": result["comment_counts"]}


def my_page(session: Session, actor: Actor) -> dict[str, Any]:
    """The viewer's organisation's comments (a commenter), or those they entered (the drafting group)."""
    found = comments.comments_of(session, actor)
    return {"comments": views.comment_publics(session, found), **form_context(actor)}


def concept_id(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 2_147_483_647:
        raise NotFound(f"no entry '{raw[:20]}'")
    return int(raw)
