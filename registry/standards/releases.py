"""Which releases a term standard may have: a release follows its standard's stage.

A 征求意见稿 exists only while or after the standard is at 征求意见, a 送审稿 from 送审 on, a 报批稿 from 报批 on,
a published release once the standard is 发布; a withdrawn (废止) standard gets no new release.
"""

from sqlmodel import Session

from registry.errors import Conflict, InvalidInput
from registry.releases.models import ReleaseCreate, Stage
from registry.standards.models import Standard, StandardStage
from registry.standards.service import find_standard

REQUIRED = {Stage.comment_draft: StandardStage.comment, Stage.review_draft: StandardStage.review,
            Stage.approval_draft: StandardStage.approval, Stage.published: StandardStage.published}


def standard_for(session: Session, data: ReleaseCreate) -> Standard | None:
    """The standard the new release is a draft of (None: a snapshot of no standard); raise InvalidInput
    for an unknown standard or a mismatched line, Conflict when the standard's stage does not allow it."""
    if data.standard is None:
        return None
    standard = find_standard(session, data.standard)
    if standard is None:
        raise InvalidInput(f"no standard with key or code '{data.standard[:60]}'",
                           errors=[{"pointer": "/standard", "detail": data.standard[:60]}])
    if data.line is not None and data.line != standard.key:
        raise InvalidInput(f"the line of a release of {standard.key} is '{standard.key}', not '{data.line}'",
                           errors=[{"pointer": "/line", "detail": data.line}])
    require_stage(standard, Stage(data.stage))
    return standard


def require_stage(standard: Standard, stage: Stage) -> None:
    """Raise Conflict unless `standard` has reached the stage a release at `stage` needs."""
    needed, current = REQUIRED[stage], StandardStage(standard.stage)
    if current == StandardStage.withdrawn:
        raise Conflict(f"standard {standard.key} ({standard.code}) is withdrawn (废止); it gets no new release")
    if current.order < needed.order:
        raise Conflict(f"a {stage.label_zh} ({stage}) of {standard.key} ({standard.code}) needs the standard at "
                       f"{needed.label_zh} ({needed}) or later; it is at {current.label_zh} ({current})")
