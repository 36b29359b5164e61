"""The audit trail: one row per write, with its actor, in the same transaction as the write."""

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Field, Session, SQLModel, select

from registry.auth import Actor
from registry.clock import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100)
    role: str = Field(max_length=20)
    action: str = Field(max_length=60)
    entity_type: str = Field(max_length=40)
    entity_id: str = Field(max_length=100, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


def record(session: Session, actor: Actor, action: str, entity_type: str, entity_id: object,
           **detail: Any) -> AuditEvent:
    """Append one audit event; the caller's transaction decides whether it lands."""
    event = AuditEvent(actor=actor.name, role=actor.role, action=action, entity_type=entity_type,
                       entity_id=str(entity_id), detail=detail)
    session.add(event)
    return event


def list_events(session: Session, entity_type: str, entity_id: object) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity_type == entity_type,
                                     AuditEvent.entity_id == str(entity_id))
    return list(session.exec(query.order_by(AuditEvent.id)))
