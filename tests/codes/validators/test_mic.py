"""MIC (ISO 10383): format, and registry answers read through a lookup callable."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from codes.validators import mic
from codes.validators.base import InvalidFormat, InvalidLength

XSME = {"status": "EXPIRED", "valid_from": "20030401", "valid_to": "20070924", "operating_mic": "XSME",
        "oprt_sgmt": "OPRT"}
XSSC = {"status": "ACTIVE", "valid_from": date(2014, 8, 25), "valid_to": None, "operating_mic": "XSHG",
        "oprt_sgmt": "SGMT"}


def lookup(code: str, as_of: date | None) -> dict | None:
    return {"XSME": XSME, "XSSC": XSSC}.get(code)


def errors(code: str, **options) -> list[str]:
    return [finding.code for finding in mic.check(code, lookup=lookup, **options).errors]


class TestFormat:
    @pytest.mark.parametrize("code", ["XSHG", "XSHE", "CCFX", "360T", "24EX", "3579"])
    def test_letters_and_digits_anywhere(self, code):
        assert mic.validate(code) == code

    def test_length_and_characters(self):
        with pytest.raises(InvalidLength):
            mic.validate("XSH")
        with pytest.raises(InvalidFormat, match="character '-' at position 4"):
            mic.validate("XSH-")

    def test_without_lookup_only_the_format_is_checked(self):
        verdict = mic.check("QQQQ")
        assert verdict.valid and verdict.components == {"mic": "QQQQ"}


class TestRegistry:
    def test_not_registered(self):
        verdict = mic.check("QQQQ", lookup=lookup)
        assert [f.code for f in verdict.errors] == ["not_registered"]

    def test_segment_components(self):
        verdict = mic.check("xssc", as_of=date(2024, 1, 2), lookup=lookup)
        assert verdict.valid
        assert verdict.components == {
            "mic": "XSSC", "operating_mic": "XSHG", "segment": "SGMT", "is_segment": True,
            "status": "ACTIVE", "valid_from": "2014-08-25", "valid_to": None,
        }

    def test_expired_at_as_of_names_the_expiry_date(self):
        verdict = mic.check("XSME", as_of=date(2007, 9, 24), lookup=lookup)
        messages = [f.message_en for f in verdict.errors]
        assert messages == ["MIC XSME: expired on 2007-09-24, before 2007-09-24"]
        assert errors("XSME", as_of=date(2007, 9, 23)) == []

    def test_without_as_of_expiry_is_judged_today(self):
        assert errors("XSME") == ["expired"]

    def test_status_expired_without_a_date(self):
        record = dict(XSME, valid_to="")
        verdict = mic.check("XSME", lookup=lambda code, as_of: record)
        assert [f.code for f in verdict.errors] == ["expired"]

    def test_not_yet_valid_before_creation(self):
        assert errors("XSSC", as_of=date(2014, 8, 24)) == ["not_yet_valid"]

    def test_lookup_receives_the_compact_code_and_the_date(self):
        seen = []
        mic.check(" xshg ", as_of=date(2020, 1, 1), lookup=lambda code, as_of: seen.append((code, as_of)))
        assert seen == [("XSHG", date(2020, 1, 1))]

    def test_lookup_is_not_asked_about_a_malformed_code(self):
        mic.check("XS", lookup=lambda code, as_of: pytest.fail("asked"))


class TestRealFile:
    def test_every_mic_in_the_iso_10383_file_has_the_format(self, mic_file):
        with mic_file.open(encoding="utf-8", newline="") as handle:
            codes = [row["MIC"] for row in csv.DictReader(handle)]
        assert len(codes) == 2767
        assert [code for code in codes if not mic.is_valid(code)] == []
