"""The sfreg CLI: tokens (secret printed once, stored hashed), db upgrade and seed, errors without tracebacks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from registry.auth import ApiToken, authenticate, hash_token

REPO = Path(__file__).resolve().parents[2]


def sfreg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sfreg_cli", *args], cwd=REPO, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def cli_env(database_url, tmp_path, engine) -> dict[str, str]:
    return {"SFREG_DATABASE_URL": database_url, "SFREG_HOME": str(tmp_path)}


class TestTokens:
    def test_create_prints_secret_last_and_stores_only_its_hash(self, cli_env, engine):
        result = sfreg("token", "create", "--name", "alice", "--role", "editor", env=cli_env)
        assert result.returncode == 0, result.stderr
        secret = result.stdout.strip().splitlines()[-1]
        with Session(engine) as session:
            stored = session.exec(select(ApiToken).where(ApiToken.name == "alice")).one()
            assert stored.token_hash == hash_token(secret) and secret not in stored.token_hash
            assert authenticate(session, secret).role == "editor"

    def test_list_never_shows_secrets_and_revoke_disables(self, cli_env, engine):
        secret = sfreg("token", "create", "--name", "bob", "--role", "reviewer", env=cli_env).stdout.split()[-1]
        listed = sfreg("token", "list", env=cli_env).stdout
        assert "bob" in listed and "reviewer" in listed and secret not in listed
        assert sfreg("token", "revoke", "bob", env=cli_env).returncode == 0
        assert "revoked" in sfreg("token", "list", env=cli_env).stdout

    def test_duplicate_name_and_unknown_role_fail_cleanly(self, cli_env):
        sfreg("token", "create", "--name", "carol", "--role", "admin", env=cli_env)
        again = sfreg("token", "create", "--name", "carol", "--role", "admin", env=cli_env)
        assert again.returncode == 1 and "already exists" in again.stderr and "Traceback" not in again.stderr
        bad = sfreg("token", "create", "--name", "dave", "--role", "owner", env=cli_env)
        assert bad.returncode != 0 and "Traceback" not in bad.stderr
        missing = sfreg("token", "revoke", "nobody", env=cli_env)
        assert missing.returncode == 1 and "no token named" in missing.stderr
