"""The contract every validator module keeps: folding, never raising, and agreement of its verbs."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.validators import KINDS, get_validator
from codes.validators.base import Finding, ValidationError, Verdict

# st.text() leaves lone surrogates out by default; put them back.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()))
EXAMPLES = {
    "isin": "CNE0000001L7",
    "cfi": "ESVUFR",
    "lei": "30030072NOVE6XE20095",
    "uscc": "91310000MA1K32MN7F",
    "mic": "XSHG",
    "cn_security": "600000.SH",
    "cn_futures": "cu2501",
    "cn_option": "m2501-C-3000",
}
MODULES = sorted(KINDS.items())
PROPERTY = settings(database=None, deadline=None, max_examples=150)


def _long_text(seed: int, size: int = 10_000) -> str:
    """`size` characters drawn from code-like, full-width, control and surrogate characters."""
    pool = "ABCXYZ0123456789 -\t\x00\x1f\x7f\u3000\uff21\uff10\u0301\ud800\udfff\U0001f600\u00df\u0130"
    rng = random.Random(seed)
    return "".join(rng.choice(pool) for _ in range(size))


def fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in text)


class TestGetValidator:
    def test_returns_the_module_for_each_kind(self):
        assert {kind: get_validator(kind).__name__ for kind in KINDS} == {
            kind: f"codes.validators.{kind}" for kind in EXAMPLES
        }

    def test_unknown_kind_raises_key_error_naming_the_kinds(self):
        with pytest.raises(KeyError, match="cfi, cn_futures, cn_option, cn_security, isin, lei, mic, uscc"):
            get_validator("cusip")


@pytest.mark.parametrize(("kind", "module"), MODULES)
class TestEveryKind:
    def test_example_is_valid(self, kind, module):
        assert module.validate(EXAMPLES[kind]) == EXAMPLES[kind]

    def test_fullwidth_lowercase_and_spaced_input_normalises(self, kind, module):
        raw = "\u3000" + fullwidth(EXAMPLES[kind].lower()) + " \t"
        assert module.compact(raw) == EXAMPLES[kind]
        assert module.is_valid(raw)
        assert module.check(raw).normalized == EXAMPLES[kind]

    def test_format_returns_the_compact_form(self, kind, module):
        assert module.format(EXAMPLES[kind].lower()) == EXAMPLES[kind]

    @PROPERTY
    @given(text=ANY_TEXT)
    def test_compact_is_idempotent(self, kind, module, text):
        once = module.compact(text)
        assert module.compact(once) == once

    @PROPERTY
    @given(text=ANY_TEXT)
    def test_is_valid_never_raises_and_agrees_with_check_and_validate(self, kind, module, text):
        answer = module.is_valid(text)
        verdict = module.check(text)
        assert answer is verdict.valid
        if answer:
            assert module.validate(text) == verdict.normalized
        else:
            with pytest.raises(ValidationError) as raised:
                module.validate(text)
            assert raised.value.finding == verdict.errors[0]

    @settings(database=None, deadline=None, max_examples=25)
    @given(seed=st.integers(min_value=0, max_value=2**32))
    def test_ten_thousand_characters_are_answered(self, kind, module, seed):
        text = _long_text(seed)
        assert module.is_valid(text) is module.check(text).valid
        assert all(len(f.message_en) < 300 for f in module.check(text).errors)

    def test_valid_code_in_ten_thousand_spaces_is_valid(self, kind, module):
        assert module.is_valid(" " * 5_000 + EXAMPLES[kind] + " " * 5_000)

    def test_control_characters_and_surrogates_are_invalid_not_errors(self, kind, module):
        for raw in ("\x00" * 12, "\ud800" + EXAMPLES[kind], EXAMPLES[kind][:-1] + "\udfff", "\x1b[31m"):
            assert module.is_valid(raw) is False
            verdict = module.check(raw)
            assert verdict.errors[0].code == "invalid_format"
            json.dumps(verdict.as_dict())

    def test_empty_input_is_an_invalid_length(self, kind, module):
        assert [f.code for f in module.check("").errors] == ["invalid_length"]


class TestShapes:
    def test_finding_as_dict_uses_the_english_message_as_message(self):
        finding = Finding("invalid_checksum", "ISIN X: bad", "ISIN X：错")
        assert finding.as_dict() == {
            "code": "invalid_checksum", "message": "ISIN X: bad", "message_zh": "ISIN X：错",
        }

    def test_verdict_as_dict_is_json_ready(self):
        verdict = get_validator("isin").check("US0378331004")
        data = json.loads(json.dumps(verdict.as_dict(), ensure_ascii=False))
        assert data["valid"] is False
        assert data["errors"][0]["message"] == "ISIN US0378331004: check digit should be 5, not 4"
        assert data["errors"][0]["message_zh"] == "ISIN US0378331004：校验码应为 5，而不是 4"
        assert isinstance(verdict, Verdict)

    def test_validation_error_is_a_value_error_carrying_its_finding(self):
        with pytest.raises(ValueError, match="check digit should be 5") as raised:
            get_validator("isin").validate("US0378331004")
        assert raised.value.finding.code == "invalid_checksum"
