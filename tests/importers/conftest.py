"""Fixtures for the import/export tests, and `bulk_helpers` made importable (the suite runs with
--import-mode=importlib, which puts no test folder on sys.path)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

_ENGINES: list = []


@pytest.fixture(autouse=True)
def close_pool(request):
    """Keep every engine a test used and dispose their pools at the end of the run. tests/conftest.py drops
    the cached engine without disposing it, and psycopg warns (an error under filterwarnings=error) when a
    pooled connection is garbage-collected open."""
    if "engine" in request.fixturenames:
        _ENGINES.append(request.getfixturevalue("engine"))
    yield


@pytest.fixture(scope="session", autouse=True)
def dispose_pools():
    yield
    for engine in _ENGINES:
        engine.dispose()
