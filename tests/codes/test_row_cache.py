"""Validation's registry cache: no database round trip between writes, and a write anywhere is seen once the
change counter is read (registry.changes)."""

import pytest
from sqlalchemy import event
from sqlmodel import Session

from codes import row_cache, service, validation
from codes.models import CodeIn
from registry import changes
from registry.auth import SYSTEM
from registry.database import transaction

SEEDED_ISIN = "CNE0000001L7"
NEW_ISIN = "US0378331005"


@pytest.fixture(autouse=True)
def fresh_cache():
    row_cache.forget()
    yield
    row_cache.forget()


def registered(engine, code: str) -> bool:
    return validation.validate_codes(engine, "isin", [code])[0]["registered"]


def register(engine, code: str) -> None:
    with transaction(engine) as session:
        service.create_code(session, "isin", CodeIn(code=code, name_en="Apple Inc."), actor=SYSTEM)


def counter(engine) -> int:
    with engine.connect() as conn:
        return changes.counters(conn)[service.CHANGE_TOPIC]


@pytest.fixture
def statements(engine):
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_between_writes_validation_does_not_query_the_database(engine, seeded_codes, statements, monkeypatch):
    assert registered(engine, SEEDED_ISIN) and not registered(engine, NEW_ISIN)
    statements.clear()
    assert registered(engine, SEEDED_ISIN) and not registered(engine, NEW_ISIN)
    assert statements == []
    monkeypatch.setattr(row_cache, "CHECK_SECONDS", 0.0)
    assert registered(engine, SEEDED_ISIN)
    assert len(statements) == 1 and "change_counter" in statements[0]


def test_a_write_elsewhere_is_seen_once_the_counter_is_read(engine, seeded_codes, monkeypatch):
    monkeypatch.setattr(row_cache, "CHECK_SECONDS", 3600.0)
    assert not registered(engine, NEW_ISIN)
    register(engine, NEW_ISIN)  # as another process would: this process's cache is not told
    assert not registered(engine, NEW_ISIN)
    monkeypatch.setattr(row_cache, "CHECK_SECONDS", 0.0)
    assert registered(engine, NEW_ISIN)


def test_the_counter_moves_with_committed_code_writes_only(engine, seeded_codes):
    before = counter(engine)
    with Session(engine) as session:
        service.create_code(session, "isin", CodeIn(code=NEW_ISIN), actor=SYSTEM)
        session.rollback()
    assert counter(engine) == before
    register(engine, NEW_ISIN)
    assert counter(engine) == before + 1


def test_a_single_code_answer_is_remembered_until_the_registry_changes(engine, seeded_codes, monkeypatch):
    monkeypatch.setattr(row_cache, "CHECK_SECONDS", 3600.0)
    first = validation.validate_code(engine, "isin", NEW_ISIN)
    assert validation.validate_code(engine, "isin", NEW_ISIN) is first and first["registered"] is False
    assert validation.validate_code(engine, "isin", NEW_ISIN.lower()) is not first  # another input
    register(engine, NEW_ISIN)
    monkeypatch.setattr(row_cache, "CHECK_SECONDS", 0.0)
    again = validation.validate_code(engine, "isin", NEW_ISIN)
    assert again is not first and again["registered"] is True
