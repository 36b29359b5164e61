"""Look-ups the HTTP routes and pages share: a release's period and standard, and comments as answers."""

from typing import Any

from sqlmodel import Session, col, select

from registry.releases import service as releases
from registry.releases.models import Release
from registry.standards import periods
from registry.standards.models import CommentPeriod, PeriodPublic, Standard
from registry.standards.service import get_standard_by_id
from terms.comments.models import DECISION_LABELS, TYPE_LABELS, Comment, CommentPublic, CommentType, Decision


def release_period(session: Session, name: str) -> tuple[Release, CommentPeriod, Standard]:
    """The release `name`, its comment period and its standard; raise NotFound."""
    release = releases.resolve(session, name)
    period = periods.get_period(session, release)
    return release, period, get_standard_by_id(session, period.standard_id)


def period_public(period: CommentPeriod, release: Release, standard: Standard) -> PeriodPublic:
    return PeriodPublic(id=period.id, release=release.name, standard=standard.key, opens_on=period.opens_on,
                        closes_on=period.closes_on, state=periods.state(period), days_left=periods.days_left(period),
                        published=period.published_at is not None, events=period.events)


def comment_public(comment: Comment, release_name: str, standard_key: str) -> CommentPublic:
    label = DECISION_LABELS[Decision(comment.decision)] if comment.decision else None
    return CommentPublic(**comment.model_dump(), release=release_name, standard=standard_key,
                         type_label=TYPE_LABELS[CommentType(comment.type)], decision_label=label)


def comment_publics(session: Session, found: list[Comment]) -> list[CommentPublic]:
    """Answers for comments of any periods (their releases and standards read once)."""
    names = _names(session, {c.release_seq for c in found}, {c.standard_id for c in found})
    return [comment_public(c, names[0][c.release_seq], names[1][c.standard_id]) for c in found]


def _names(session: Session, seqs: set[int], ids: set[int]) -> tuple[dict[int, str], dict[int, str]]:
    release_names = dict(session.exec(select(Release.seq, Release.name)
                                      .where(col(Release.seq).in_(sorted(seqs)))).all())
    keys = dict(session.exec(select(Standard.id, Standard.key).where(col(Standard.id).in_(sorted(ids)))).all())
    return release_names, keys


def periods_of_standard(session: Session, standard: Standard) -> list[tuple[CommentPeriod, Release]]:
    """The comment periods of a standard, newest first, with their releases."""
    query = (select(CommentPeriod, Release).join(Release, col(Release.seq) == CommentPeriod.release_seq)
             .where(CommentPeriod.standard_id == standard.id).order_by(col(CommentPeriod.id).desc()))
    return [(p, r) for p, r in session.exec(query)]


def releases_of_standard(session: Session, standard: Standard) -> list[Release]:
    query = select(Release).where(Release.standard_id == standard.id).order_by(col(Release.seq))
    return list(session.exec(query))


def as_dict(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")
