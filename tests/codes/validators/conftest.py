"""Fixtures for the validator tests: the real reference data under shared/reference."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
REFERENCE = REPO.parent / "shared" / "reference"


def _reference(relative: str) -> Path:
    path = REFERENCE / relative
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
