"""Fixtures: every database test runs on SQLite and on PostgreSQL, on a schema built by the migrations.

PostgreSQL: a fresh database per test run (per xdist worker), created on SFREG_TEST_PG_URL's server and
dropped at the end. SFREG_TEST_DATABASES=sqlite limits a run to SQLite (the default runs both).
"""

import csv
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

import codes.models  # noqa: F401  (tables to empty)
import registry.audit
import registry.releases.models  # noqa: F401
import terms.comments.models
import terms.models  # noqa: F401
from registry import auth, migrate
from registry.database import get_engine, transaction
from registry.settings import get_settings

PG_SERVER = os.environ.get("SFREG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASES = os.environ.get("SFREG_TEST_DATABASES", "sqlite,postgresql").split(",")
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _dispose_engines() -> None:
    from registry.database import dispose_engines
    dispose_engines()


def _create_pg_database() -> tuple[str, str]:
    name = f"sfreg_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, PG_SERVER.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg_database(name: str) -> None:
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database of each kind for the whole run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'sfreg.db'}"
        migrate.upgrade(url)
        yield url
        return
    name, url = _create_pg_database()
    try:
        migrate.upgrade(url)
        yield url
    finally:
        _dispose_engines()
        _drop_pg_database(name)


@pytest.fixture
def settings_env(database_url, tmp_path, monkeypatch) -> Iterator[None]:
    """Point the service's settings at the test database and a fresh home/index folder."""
    monkeypatch.setenv("SFREG_DATABASE_URL", database_url)
    monkeypatch.setenv("SFREG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SFREG_INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def engine(settings_env):
    """The service engine on a database emptied after the test."""
    engine = get_engine()
    yield engine
    _empty(engine)


def _empty(engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            return
        for table in tables:
            conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session
        session.rollback()


@pytest.fixture
def seeded(engine) -> None:
    """The six parts and the code schemes (no sample entries)."""
    from codes.seed import seed_schemes
    from terms.seed import seed_parts
    with transaction(engine) as session:
        seed_parts(session)
        seed_schemes(session)


@pytest.fixture
def seeded_codes(seeded, engine) -> None:
    """The public-fact venues, participants and sample ISIN records of data/."""
    from codes.seed import seed_codes
    with transaction(engine) as session:
        seed_codes(session)


@pytest.fixture
def tokens(engine) -> dict[str, str]:
    """One bearer secret per role."""
    secrets = {}
    with transaction(engine) as session:
        for role in auth.Role:
            secrets[role.value] = auth.create_token(session, f"test-{role.value}", role.value)[1]
    return secrets


@pytest.fixture
def client(engine, seeded) -> Iterator[TestClient]:
    from api.app import create_app
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client


# ---- real reference files (read-only, beside the repository in ../shared) ----------------------------

def _reference(relative: str) -> Path:
    path = SHARED / 'reference' / relative
    if not path.is_file():
        pytest.skip(f"reference data {path} is absent (shared/ is laid beside the repository)")
    return path


def _tsv(relative: str) -> list[dict[str, str]]:
    with _reference(relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="session")
def real_isins() -> list[dict[str, str]]:
    """681 real ISINs (all valid): every CN one plus a sample of 62 other prefixes."""
    return _tsv("isin/isin_financedatabase_sample.tsv")


@pytest.fixture(scope="session")
def real_leis() -> list[dict[str, str]]:
    """1022 real LEIs of market operators, from the ISO 10383 file of 2025-05-26."""
    return _tsv("lei/lei_from_iso10383_2025-05-26.tsv")


@pytest.fixture(scope="session")
def mic_file() -> Path:
    """The ISO 10383 MIC list of 2025-05-26 (current ISO 20022 layout, every field quoted)."""
    return _reference("mic/ISO10383_MIC_2025-05-26.csv")
