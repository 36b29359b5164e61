"""Change counters: a process can tell with one tiny query whether what it cached from a domain is stale.

A write marks its topic (`touch`); when the session commits, the topic's counter is incremented in that
same transaction, so the new value becomes visible exactly when the write does — whatever order concurrent
transactions commit in (unlike a maximum id, which a late commit can slip under). The row lock is taken
only at commit, so writers to one topic do not wait on each other's long transactions.
"""

from sqlalchemy import Connection, event, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel

_TOUCHED = "registry.changes.touched"


class ChangeCounter(SQLModel, table=True):
    __tablename__ = "change_counter"

    topic: str = Field(primary_key=True, max_length=40)
    n: int = 0


def touch(session: Session, topic: str) -> None:
    """Mark `topic` as changed by this session's transaction."""
    session.info.setdefault(_TOUCHED, set()).add(topic)


def counters(conn: Connection) -> dict[str, int]:
    """Every topic's counter as now committed."""
    table = ChangeCounter.__table__
    return dict(conn.execute(select(table.c.topic, table.c.n)).all())


@event.listens_for(OrmSession, "before_commit")
def _bump(session: OrmSession) -> None:
    table = ChangeCounter.__table__
    for topic in sorted(session.info.pop(_TOUCHED, ())):  # sorted: concurrent committers lock in one order
        bumped = session.execute(update(table).where(table.c.topic == topic).values(n=table.c.n + 1))
        if bumped.rowcount == 0:
            session.execute(table.insert().values(topic=topic, n=1))


@event.listens_for(OrmSession, "after_rollback")
def _forget(session: OrmSession) -> None:
    session.info.pop(_TOUCHED, None)
