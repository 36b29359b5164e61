"""Curation pages: sign-in cookie, CSRF, the edit form (inline errors, input kept, 412), workflow moves."""

import html
import re

import pytest
from pages.pages_helpers import EVIL, HTML, assert_page, csrf, make_samples, sign_in

from registry.auth import SYSTEM
from registry.database import transaction
from registry.settings import get_settings
from terms import service
from terms.models import ConceptUpdate


@pytest.fixture
def ids(engine, seeded):
    return make_samples(engine)


def edit_form(client, concept_id: int) -> dict[str, str]:
    """The edit form's fields as the browser would post them unchanged."""
    body = client.get(f"/concepts/{concept_id}/edit", headers=HTML).text
    fields = dict(re.findall(r'<input[^>]*?name="([^"]+)" value="([^"]*)"', body))
    fields.update(re.findall(r'<textarea[^>]*?name="([^"]+)"[^>]*>([^<]*)</textarea>', body))
    for name, select in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', select)
        fields[name] = chosen.group(1) if chosen else re.search(r'<option value="([^"]*)"', select).group(1)
    return {k: html.unescape(v) for k, v in fields.items()}


class TestSignIn:
    def test_good_token_sets_a_strict_httponly_cookie(self, client, tokens):
        token = csrf(client.get("/signin", headers=HTML))
        response = client.post("/signin", data={"csrf": token, "token": tokens["editor"], "next": "/parts"},
                               headers=HTML, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/parts"
        cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("sfreg_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert "test-editor" in client.get("/", headers=HTML).text

    def test_bad_token_shows_the_form_again(self, client, tokens):
        token = csrf(client.get("/signin", headers=HTML))
        response = client.post("/signin", data={"csrf": token, "token": "sfr_wrong"}, headers=HTML)
        body = assert_page(response, 401, "登录")
        assert "令牌无效" in body and 'aria-invalid="true"' in body

    def test_missing_csrf_is_refused(self, client, tokens):
        client.get("/signin", headers=HTML)
        response = client.post("/signin", data={"token": tokens["editor"]}, headers=HTML)
        assert_page(response, 403, "403")

    def test_cross_site_origin_is_refused(self, client, tokens):
        token = csrf(client.get("/signin", headers=HTML))
        response = client.post("/signin", data={"csrf": token, "token": tokens["editor"]},
                               headers={**HTML, "Origin": "https://evil.example"})
        assert_page(response, 403, "403")

    def test_next_cannot_leave_the_site(self, client, tokens):
        token = csrf(client.get("/signin", headers=HTML))
        response = client.post("/signin", data={"csrf": token, "token": tokens["editor"],
                                                "next": "//evil.example/x"}, headers=HTML, follow_redirects=False)
        assert response.headers["location"] == "/"

    def test_sign_out_clears_the_cookie(self, client, tokens):
        sign_in(client, tokens["editor"])
        token = csrf(client.get("/", headers=HTML))
        response = client.post("/signout", data={"csrf": token}, headers=HTML, follow_redirects=False)
        assert response.status_code == 303
        assert "test-editor" not in client.get("/", headers=HTML).text


class TestPrivateRegistry:
    def test_pages_need_sign_in_when_reads_are_not_public(self, client, tokens, monkeypatch):
        monkeypatch.setenv("SFREG_PUBLIC_READ", "false")
        get_settings.cache_clear()
        body = assert_page(client.get("/parts", headers=HTML), 401, "401")
        assert "/signin?next=" in body
        sign_in(client, tokens["editor"])
        assert_page(client.get("/parts", headers=HTML), 200, "分册")
        get_settings.cache_clear()


class TestEditForm:
    def test_needs_sign_in(self, client, ids):
        body = assert_page(client.get(f"/concepts/{ids['full']}/edit", headers=HTML), 401, "401")
        assert f"/signin?next=/concepts/{ids['full']}/edit" in body.replace("%2F", "/")

    def test_shows_current_values_with_labels(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        body = assert_page(client.get(f"/concepts/{ids['full']}/edit", headers=HTML), 200, "编辑条目 3.1 证券")
        assert 'value="证券"' in body and "注一内容。\n注二内容。" in body
        assert '<label for="term-0-text">' in body and '<label for="definition_zh">' in body

    def test_save_changes_and_go_to_the_entry(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        fields = edit_form(client, ids["full"])
        fields["definition_zh"] = "修订后的定义。"
        fields["term-3-text"] = "新增许用术语"  # first blank row
        fields["change_note"] = "网页编辑"
        response = client.post(f"/concepts/{ids['full']}/edit", data=fields, headers=HTML, follow_redirects=False)
        assert response.status_code == 303, response.text[:1000]
        body = client.get(response.headers["location"], headers=HTML).text
        assert "修订后的定义。" in body and "新增许用术语" in body and "已保存修订" in body

    def test_invalid_input_is_shown_inline_and_kept(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        fields = edit_form(client, ids["full"])
        fields.update({"entry_number": "not-a-number", "definition_zh": "我输入的定义" + EVIL,
                       "xref-0-target": "abc"})
        response = client.post(f"/concepts/{ids['full']}/edit", data=fields, headers=HTML)
        body = assert_page(response, 422, "编辑条目")
        assert 'id="err-entry_number"' in body and 'aria-describedby="err-entry_number"' in body
        assert 'id="err-xref-0-target"' in body
        assert 'value="not-a-number"' in body and "我输入的定义&lt;script&gt;" in body
        assert EVIL not in body
        assert _stored(ids["full"])["entry_number"] == "3.1"

    def test_rule_errors_from_the_service_are_inline(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        fields = edit_form(client, ids["full"])
        fields["term-2-status"] = "preferred"  # 有价证券: a second zh-CN preferred term
        body = assert_page(client.post(f"/concepts/{ids['full']}/edit", data=fields, headers=HTML), 422, "编辑")
        assert "exactly one is required" in body and 'id="err-term-' in body

    def test_conflict_keeps_input_and_writes_nothing(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        fields = edit_form(client, ids["linked"])
        fields["term-0-text"] = "证券"  # the preferred term of another live concept
        body = assert_page(client.post(f"/concepts/{ids['linked']}/edit", data=fields, headers=HTML), 409, "编辑")
        assert "already the preferred" in body and 'value="证券"' in body
        assert _stored(ids["linked"])["revision"] == 1

    def test_stale_edit_is_explained_with_a_link_to_the_newer_revision(self, client, tokens, ids, engine):
        sign_in(client, tokens["editor"])
        fields = edit_form(client, ids["full"])
        _edit_behind_the_form(engine, ids["full"])
        fields["definition_zh"] = "我的修改"
        response = client.post(f"/concepts/{ids['full']}/edit", data=fields, headers=HTML)
        body = assert_page(response, 412, "编辑")
        assert "条目已被他人修改" in body and f'href="/concepts/{ids["full"]}"' in body
        assert "修订 3" in body and "我的修改" in body
        again = client.post(f"/concepts/{ids['full']}/edit", data={**fields, "revision": "3"}, headers=HTML,
                            follow_redirects=False)
        assert again.status_code == 303

    def test_reader_without_role_cannot_post(self, client, ids):
        client.get("/", headers=HTML)
        token = client.cookies.get("sfreg_csrf")
        response = client.post(f"/concepts/{ids['full']}/edit", data={"csrf": token}, headers=HTML)
        assert_page(response, 401, "401")


class TestWorkflow:
    def test_editor_proposes_and_reviewer_approves(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        page = client.get(f"/concepts/{ids['draft']}", headers=HTML).text
        assert "转为：待审" in page and "转为：已批准" not in page
        moved = client.post(f"/concepts/{ids['draft']}/transition", headers=HTML, follow_redirects=False,
                            data={"csrf": csrf(page), "to": "proposed", "revision": "1"})
        assert moved.status_code == 303
        sign_in(client, tokens["reviewer"])
        page = client.get(f"/concepts/{ids['draft']}", headers=HTML).text
        assert "转为：已批准" in page
        client.post(f"/concepts/{ids['draft']}/transition", headers=HTML,
                    data={"csrf": csrf(page), "to": "approved", "revision": "2"})
        assert "已批准" in client.get(f"/concepts/{ids['draft']}", headers=HTML).text

    def test_editor_may_not_approve(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        page = client.get(f"/concepts/{ids['draft']}", headers=HTML).text
        client.post(f"/concepts/{ids['draft']}/transition", headers=HTML,
                    data={"csrf": csrf(page), "to": "proposed", "revision": "1"})
        response = client.post(f"/concepts/{ids['draft']}/transition", headers=HTML,
                               data={"csrf": csrf(page), "to": "approved", "revision": "2"})
        assert_page(response, 403, "403")

    def test_stale_move_is_a_412_page_with_the_newer_revision(self, client, tokens, ids):
        sign_in(client, tokens["editor"])
        page = client.get(f"/concepts/{ids['draft']}", headers=HTML).text
        response = client.post(f"/concepts/{ids['draft']}/transition", headers=HTML,
                               data={"csrf": csrf(page), "to": "proposed", "revision": "7"})
        body = assert_page(response, 412, "412")
        assert f'href="/concepts/{ids["draft"]}"' in body


def _stored(concept_id: int) -> dict:
    with transaction() as session:
        return service.read_concept(session, concept_id)


def _edit_behind_the_form(engine, concept_id: int) -> None:
    with transaction(engine) as session:
        for text in ("别人的修改一", "别人的修改二"):
            concept = service.get_concept(session, concept_id)
            service.update_concept(session, concept_id, ConceptUpdate(definition={"zh-CN": text}), actor=SYSTEM,
                                   if_match=service.etag(concept))
