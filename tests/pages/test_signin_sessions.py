"""Sign-in sessions (registry/sessions.py, api/pages/signin.py): the cookie holds a random session id, never
the API token; only the id's hash is stored; sessions expire, end when their token is revoked, and are
deleted at sign-out."""

import hashlib
from datetime import timedelta

from pages_helpers import HTML, csrf
from sqlmodel import select

from registry import auth
from registry.clock import utcnow
from registry.database import transaction
from registry.sessions import SigninSession


def sign_in(client, secret: str) -> str:
    """Sign in; return the session cookie's value."""
    token = csrf(client.get("/signin", headers=HTML))
    response = client.post("/signin", data={"csrf": token, "token": secret, "next": "/"}, headers=HTML,
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    assert secret not in " ".join(response.headers.get_list("set-cookie"))
    return client.cookies["sfreg_session"]


def rows(engine) -> list[SigninSession]:
    with transaction(engine) as session:
        return list(session.exec(select(SigninSession)))


def signed_in_as(client, name: str) -> bool:
    return name in client.get("/", headers=HTML).text


class TestSessionCookie:
    def test_cookie_holds_a_session_id_whose_hash_alone_is_stored(self, client, engine, tokens):
        session_id = sign_in(client, tokens["editor"])
        assert session_id != tokens["editor"] and len(session_id) >= 40
        [row] = rows(engine)
        assert row.session_hash == hashlib.sha256(session_id.encode()).hexdigest()
        assert session_id not in row.session_hash
        assert timedelta(hours=11) < row.expires_at - utcnow() <= timedelta(hours=12)
        assert signed_in_as(client, "test-editor")

    def test_a_raw_token_in_a_cookie_signs_nobody_in(self, client, tokens):
        client.cookies.set("sfreg_token", tokens["editor"])
        client.cookies.set("sfreg_session", tokens["editor"])
        assert not signed_in_as(client, "test-editor")

    def test_each_sign_in_opens_its_own_session(self, client, engine, tokens):
        first = sign_in(client, tokens["editor"])
        assert sign_in(client, tokens["editor"]) != first
        assert len(rows(engine)) == 2


class TestSessionEnd:
    def test_revoking_the_token_ends_its_sessions_at_once(self, client, engine, tokens):
        sign_in(client, tokens["editor"])
        with transaction(engine) as session:
            auth.revoke_token(session, "test-editor")
        assert not signed_in_as(client, "test-editor")
        response = client.get("/concepts/1/edit", headers=HTML)
        assert response.status_code == 401

    def test_revoked_and_expired_sessions_are_swept_when_a_session_opens(self, client, engine, tokens):
        sign_in(client, tokens["editor"])
        sign_in(client, tokens["reviewer"])
        with transaction(engine) as session:
            auth.revoke_token(session, "test-editor")
        sign_in(client, tokens["admin"])
        assert len(rows(engine)) == 2

    def test_an_expired_session_signs_nobody_in(self, client, engine, tokens):
        sign_in(client, tokens["editor"])
        with transaction(engine) as session:
            for row in session.exec(select(SigninSession)):
                row.expires_at = utcnow() - timedelta(seconds=1)
        assert not signed_in_as(client, "test-editor")

    def test_sign_out_deletes_the_session_so_its_id_is_worthless(self, client, engine, tokens):
        session_id = sign_in(client, tokens["editor"])
        response = client.post("/signout", data={"csrf": csrf(client.get("/", headers=HTML))}, headers=HTML,
                               follow_redirects=False)
        assert response.status_code == 303 and rows(engine) == []
        client.cookies.set("sfreg_session", session_id)  # a copy of the cookie kept by someone
        assert not signed_in_as(client, "test-editor")

    def test_sign_out_still_needs_the_csrf_token(self, client, engine, tokens):
        sign_in(client, tokens["editor"])
        response = client.post("/signout", data={}, headers=HTML)
        assert response.status_code == 403 and len(rows(engine)) == 1
