"""Fixtures shared by the classification API and page tests: take them with
`from classification_fixtures import sample as sample` (the autouse `fresh_cache` likewise)."""

import pytest

from codes import row_cache
from codes.classification_seed import seed_classification_samples
from registry.database import transaction


@pytest.fixture
def sample(engine, seeded) -> None:
    """The sample classification scheme (investor-sample) and its nodes."""
    with transaction(engine) as session:
        seed_classification_samples(session)
    row_cache.forget()  # counts and search texts cached by an earlier test on an emptied database


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    row_cache.forget()
