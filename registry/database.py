"""Engine and sessions: SQLite (WAL, foreign keys on) by default, PostgreSQL via psycopg 3."""

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Dialect, Engine, any_, bindparam, event, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from registry.settings import get_settings


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def among(column: Any, values: Sequence[Any], *, dialect: Dialect) -> ColumnElement[bool]:
    """`column IN values` as one bound parameter, however many values: PostgreSQL `= ANY(array)`, SQLite
    `IN (SELECT value FROM json_each(?))`. No chunking under SQLite's bound-parameter limit, one statement
    instead of one per 900 values, and no long IN list to parse."""
    if dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    listed = func.json_each(json.dumps(list(values))).table_valued("value")
    return column.in_(select(listed.c.value))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def build_engine(url: str) -> Engine:
    """Create an engine for `url`; SQLite files get their folder created and the pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


_ENGINES: dict[str, Engine] = {}


def get_engine() -> Engine:
    """The process-wide engine for the configured URL (one pool per URL, built on first use)."""
    url = get_settings().resolved_database_url
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES.setdefault(url, build_engine(url))
    return engine


def dispose_engines() -> None:
    """Close every pooled connection and forget the engines (tests, process shutdown)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
