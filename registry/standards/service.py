"""Create, read and move term standards through their stages.

Stages only go forward (预研 → … → 发布), every transition is dated (Asia/Shanghai) and kept in
`stage_history`; 废止 can follow any stage. The key is immutable; the code can change until 发布.
"""

from datetime import date

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from registry import audit
from registry.auth import Actor, Role
from registry.clock import today_shanghai, utcnow
from registry.errors import Conflict, InvalidInput, NotFound
from registry.standards.models import Standard, StandardCreate, StandardStage, StandardUpdate


def find_standard(session: Session, key_or_code: str) -> Standard | None:
    """The standard whose key or code (case and spacing of the code ignored) is `key_or_code`, or None."""
    wanted = key_or_code.strip()
    query = select(Standard).where(or_(Standard.key == wanted.lower(),
                                       func.upper(func.replace(Standard.code, " ", "")) == _code_key(wanted)))
    return session.exec(query).first()


def get_standard(session: Session, key_or_code: str) -> Standard:
    """The standard `key_or_code`; raise NotFound."""
    standard = find_standard(session, key_or_code)
    if standard is None:
        raise NotFound(f"no standard with key or code '{key_or_code[:60]}'")
    return standard


def get_standard_by_id(session: Session, standard_id: int) -> Standard:
    standard = session.get(Standard, standard_id)
    if standard is None:
        raise NotFound(f"no standard with id {standard_id}")
    return standard


def list_standards(session: Session, *, collection: str | None = None) -> list[Standard]:
    """Every standard, by collection then key (sfterms-1 … sfterms-6 before sfterms-10)."""
    query = select(Standard)
    if collection is not None:
        query = query.where(Standard.collection == collection)
    rows = list(session.exec(query))
    return sorted(rows, key=lambda s: (s.collection, len(s.key), s.key))


def create_standard(session: Session, data: StandardCreate, *, actor: Actor) -> Standard:
    """Add a standard at its first stage; raise Conflict for a key or code in use, PermissionDenied below admin."""
    actor.require(Role.admin)
    if session.exec(select(Standard).where(Standard.key == data.key)).first():
        raise Conflict(f"a standard with key '{data.key}' already exists")
    _require_free_code(session, data.code)
    stage = StandardStage(data.stage)
    standard = Standard(key=data.key, code=data.code, collection=data.collection, title_zh=data.title_zh,
                        title_en=data.title_en, working_group=data.working_group, stage=stage,
                        stage_history=[_event(stage, data.date, "created", actor)],
                        meta=data.meta.model_dump())
    session.add(standard)
    session.flush()
    audit.record(session, actor, "standard.create", "standard", standard.key, code=data.code, stage=stage)
    return standard


def update_standard(session: Session, standard: Standard, data: StandardUpdate, *, actor: Actor) -> Standard:
    """Replace the fields present; raise Conflict for a code change after 发布 or a code in use."""
    actor.require(Role.admin)
    fields = data.model_dump(exclude_unset=True)
    if "code" in fields and fields["code"] != standard.code:
        if StandardStage(standard.stage) in (StandardStage.published, StandardStage.withdrawn):
            raise Conflict(f"standard {standard.key} is {StandardStage(standard.stage).label_zh}; "
                           f"its code {standard.code} can no longer change")
        _require_free_code(session, fields["code"])
    old = {name: getattr(standard, name) for name in fields}
    for name, value in fields.items():
        setattr(standard, name, value)
    standard.updated_at = utcnow()
    audit.record(session, actor, "standard.update", "standard", standard.key, old=old, new=fields)
    session.flush()
    return standard


def change_stage(session: Session, standard: Standard, to: StandardStage, *, actor: Actor,
                 on: date | None = None, note: str | None = None) -> Standard:
    """Move the standard forward to `to` (or to 废止 from any stage); raise Conflict otherwise."""
    actor.require(Role.admin)
    current = StandardStage(standard.stage)
    if current == StandardStage.withdrawn:
        raise Conflict(f"standard {standard.key} is withdrawn (废止); its stage cannot change")
    if to != StandardStage.withdrawn and to.order <= current.order:
        raise Conflict(f"standard {standard.key} is at {current} ({current.label_zh}); stages only go forward, "
                       f"not to {to} ({to.label_zh})")
    event = _event(to, on, note, actor)
    last = standard.stage_history[-1]["date"] if standard.stage_history else None
    if last and event["date"] < last:
        raise InvalidInput(f"date {event['date']} is before the previous transition ({last})",
                           errors=[{"pointer": "/date", "detail": event["date"]}])
    standard.stage = to
    standard.stage_history = [*standard.stage_history, event]
    standard.updated_at = utcnow()
    audit.record(session, actor, "standard.stage", "standard", standard.key, old=current, new=to,
                 date=event["date"], note=note)
    session.flush()
    return standard


def reached(standard: Standard, stage: StandardStage) -> bool:
    """True when the standard is at `stage` or past it (a withdrawn standard has reached nothing new)."""
    current = StandardStage(standard.stage)
    return current != StandardStage.withdrawn and current.order >= stage.order


def _event(stage: StandardStage, on: date | None, note: str | None, actor: Actor) -> dict[str, str | None]:
    return {"stage": str(stage), "date": (on or today_shanghai()).isoformat(), "note": note, "actor": actor.name}


def _require_free_code(session: Session, code: str) -> None:
    if find_standard(session, code) is not None:
        raise Conflict(f"a standard with code '{code}' already exists")


def _code_key(code: str) -> str:
    return code.replace(" ", "").upper()


def by_ids(session: Session, ids: list[int]) -> dict[int, Standard]:
    """The standards of `ids`, by id."""
    if not ids:
        return {}
    return {s.id: s for s in session.exec(select(Standard).where(col(Standard.id).in_(sorted(set(ids)))))
            if s.id is not None}
