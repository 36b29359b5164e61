"""The root `sfreg` command (issue 11 items 2 and 5): a help that starts without the app, flags printed as
flags, reference seeding separate from samples, and clear messages for empty or unnamed import files."""

import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

import sfreg_cli
from codes.models import CodeEntry
from registry.auth import Role
from registry.cli import RoleName
from terms.models import Concept, Part

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("api.app", "fastapi", "whoosh", "uvicorn", "sqlmodel", "alembic", "importers.service", "pypinyin")


def sfreg(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sfreg_cli", *args], cwd=cwd, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=120)


class TestHelp:
    def test_the_root_command_loads_no_app_no_index_no_database_layer(self):
        code = ("import sys, sfreg_cli; "
                f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
        loaded = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        assert loaded.stdout.strip() == ""

    @pytest.mark.parametrize("command", [[], ["db"], ["db", "seed"], ["import", "terms"], ["export", "terms"],
                                         ["index"], ["serve"], ["token", "create"]])
    def test_every_help_answers_without_a_database(self, command, tmp_path):
        result = sfreg(*command, "--help", env={"SFREG_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
                       cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Usage:" in result.stdout and "<bool>" not in result.stdout

    def test_flags_print_as_flags(self):
        imports = sfreg("import", "terms", "--help").stdout
        assert "--dry-run  " in imports and "--json  " in imports
        assert "--access-log / --no-access-log" in sfreg("serve", "--help").stdout
        assert "--samples / --no-samples" in sfreg("db", "seed", "--help").stdout

    def test_the_cli_role_names_are_the_roles(self):
        assert set(get_args(RoleName)) == {role.value for role in Role}


class TestSeed:
    def test_every_seeder_resolves(self):
        for _, reference in sfreg_cli.REFERENCE_SEEDERS + sfreg_cli.SAMPLE_SEEDERS:
            assert callable(sfreg_cli.seeder(reference)), reference

    def test_reference_data_without_samples_then_samples_on_request(self, database_url, engine, tmp_path):
        env = {"SFREG_DATABASE_URL": database_url, "SFREG_HOME": str(tmp_path)}
        first = sfreg("db", "seed", env=env)
        assert first.returncode == 0, first.stderr
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(Part)).one() >= 6
            assert session.exec(select(func.count()).select_from(Concept)).one() == 0
            schemes = dict(session.exec(select(CodeEntry.scheme, func.count()).group_by(CodeEntry.scheme)).all())
            assert schemes.get("venue", 0) > 0 and schemes.get("participant", 0) > 0 and "isin" not in schemes
        samples = sfreg("db", "seed", "--samples", env=env)
        assert samples.returncode == 0, samples.stderr
        assert "66 sample concepts" in samples.stdout and "0 parts" in samples.stdout
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(Concept)).one() == 66
            assert session.exec(select(func.count()).where(CodeEntry.scheme == "isin")).one() > 0


class TestImportMessages:
    @pytest.fixture
    def env(self, database_url, engine, seeded, tmp_path) -> dict[str, str]:
        return {"SFREG_DATABASE_URL": database_url, "SFREG_HOME": str(tmp_path)}

    def test_an_empty_csv_says_it_is_empty_once(self, env, tmp_path):
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        for dataset in (["terms"], ["codes", "venue"], ["isin"], ["mic"]):
            result = sfreg("import", *dataset, str(empty), env=env)
            assert result.returncode == 1
            assert "the file is empty" in result.stderr and "missing column" not in result.stderr
            assert result.stderr.count("the file is empty") == 1

    def test_a_file_without_extension_asks_for_format(self, env, tmp_path):
        bare = tmp_path / "venues"
        bare.write_text("code,name_zh\nXSHG,上海证券交易所\n", encoding="utf-8")
        result = sfreg("import", "codes", "venue", str(bare), env=env)
        assert result.returncode == 1 and "--format" in result.stderr and "no extension" in result.stderr
        assert "line None" not in result.stderr and "Traceback" not in result.stderr

    def test_a_header_only_file_writes_nothing(self, env, tmp_path):
        header = tmp_path / "header.csv"
        header.write_text("code,name_zh\n", encoding="utf-8")
        result = sfreg("import", "codes", "venue", str(header), env=env)
        assert result.returncode == 0, result.stderr
        assert "(no rows, nothing written)" in result.stdout and "(written)" not in result.stdout
