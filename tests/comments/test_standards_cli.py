"""`sfreg standard …` and commenter tokens issued to an organisation, through the real command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session

from registry.auth import authenticate
from registry.standards.service import get_standard
from terms.standards import parts_of

REPO = Path(__file__).resolve().parents[2]


def sfreg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sfreg_cli", *args], cwd=REPO, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def cli_env(database_url, tmp_path, engine, seeded) -> dict[str, str]:
    return {"SFREG_DATABASE_URL": database_url, "SFREG_HOME": str(tmp_path)}


def test_create_a_standard_and_move_its_stage(cli_env, engine):
    made = sfreg("standard", "create", "--key", "green", "--code", "JR/T ZZZZ", "--title-zh", "绿色证券术语",
                 "--title-en", "Green securities terms", "--stage", "project",
                 "--part", "绿色证券基础术语|Basic terms", env=cli_env)
    assert made.returncode == 0, made.stderr
    assert "parts [7]" in made.stdout
    assert sfreg("standard", "stage", "green", "drafting", "--note", "草案", env=cli_env).returncode == 0
    back = sfreg("standard", "stage", "green", "project", env=cli_env)
    assert back.returncode == 1 and "only go forward" in back.stderr and "Traceback" not in back.stderr
    bad = sfreg("standard", "stage", "green", "final", env=cli_env)
    assert bad.returncode == 1 and "--to" in bad.stderr
    with Session(engine) as session:
        standard = get_standard(session, "JR/T ZZZZ")
        assert standard.stage == "drafting" and standard.stage_history[-1]["note"] == "草案"
        assert [p.title_zh for p in parts_of(session, standard.id)] == ["绿色证券基础术语"]
    assert "green\tJR/T ZZZZ\tdrafting\tparts 7" in sfreg("standard", "list", env=cli_env).stdout


def test_commenter_token_is_issued_to_an_organisation(cli_env, engine):
    made = sfreg("token", "create", "--name", "jia-1", "--role", "commenter", "--organization", "甲证券股份有限公司",
                 env=cli_env)
    assert made.returncode == 0, made.stderr
    with Session(engine) as session:
        actor = authenticate(session, made.stdout.split()[-1])
    assert actor.role == "commenter" and actor.organization == "甲证券股份有限公司"
