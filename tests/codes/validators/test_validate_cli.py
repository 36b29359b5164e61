"""`sfreg validate KIND CODE...`: one line per code in the chosen language, JSON on request, exit 1 when
any code is invalid; the registry and cross-links as over HTTP."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sfreg_cli import app


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["validate", *args], input=stdin)


class TestOffline:
    def test_valid_codes_exit_zero_with_decoded_parts(self):
        result = run("cn_security", "430047.BJ", "sh600000", "--as-of", "2025-01-01", "--no-registry")
        assert result.exit_code == 0, result.output
        first, second = result.output.splitlines()
        assert "430047.BJ → 430047.BJ" in first and "920047.BJ" in first and "exchange=BSE" in first
        assert second.startswith("sh600000 → 600000.SH  有效")

    def test_an_invalid_code_exits_one_with_the_reason_in_english(self):
        result = run("cn_futures", "cu2501", "ru2502", "--lang", "en", "--no-registry", "--as-of", "2024-12-02")
        assert result.exit_code == 1
        assert "ru2502 → ru2502  INVALID  futures code ru2502: month 02 is not a listed month" in result.output

    def test_codes_from_stdin_and_json_out(self):
        result = run("cn_option", "-", "--json", "--no-registry", "--as-of", "2024-12-02",
                     stdin="m2501c3000\nIO2412-C-3900\n")
        answers = json.loads(result.output)
        assert [a["components"]["unified"] for a in answers] == ["DCE.M.202501.C.3000", "CFFEX.IO.202412.C.3900"]

    def test_unknown_kind_is_a_usage_error(self):
        result = run("cusip", "123", "--no-registry")
        assert result.exit_code == 2 and "cn_security" in result.output


class TestWithRegistry:
    def test_security_code_shows_its_isin(self, settings_env, seeded_codes):
        result = run("cn_security", "000005.SZ")
        assert result.exit_code == 0, result.output
        assert "isin=CNE0000001L7" in result.output
