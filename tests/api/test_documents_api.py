"""Printing a term standard over HTTP: the four formats as of a release, reproducibility, the checks,
strict mode and the errors."""

import io
import zipfile

import docx
import pytest
from defusedxml import ElementTree
from support import assert_problem, bearer

from registry.database import transaction
from terms.document.sts_writer import TBX

URL = "/api/v1/standards/sfterms-1/document"


@pytest.fixture
def released(client, tokens, engine):
    """The sample concepts, with 长期 (a draft in the samples) proposed, frozen as a 征求意见稿 of part 1."""
    from terms.seed import seed_concepts
    with transaction(engine) as session:
        seed_concepts(session)
    draft = client.get("/api/v1/parts/1/entries/1.4.1").json()
    client.post(f"/api/v1/concepts/{draft['id']}/transitions", json={"to": "proposed"},
                headers=bearer(tokens["editor"]))
    answer = client.post("/api/v1/releases", headers=bearer(tokens["reviewer"]),
                         json={"name": "2025.1", "stage": "comment_draft", "scope": {"parts": [1]}})
    assert answer.status_code == 201, answer.text
    return answer.json()


class TestFormats:
    @pytest.mark.parametrize("fmt, media, magic", [("docx", "wordprocessingml", b"PK"), ("pdf", "pdf", b"%PDF"),
                                                  ("html", "text/html", b"<!DOCTYPE html>"), ("sts", "xml", b"<?xml")])
    def test_each_format(self, client, released, fmt, media, magic):
        answer = client.get(URL, params={"release": "2025.1", "format": fmt})
        assert answer.status_code == 200, answer.text
        assert media in answer.headers["content-type"] and answer.content.startswith(magic)
        assert "sfterms-1-2025.1" in answer.headers["content-disposition"]

    def test_html_and_sts_are_byte_identical_for_a_release(self, client, released):
        for fmt in ("html", "sts"):
            first = client.get(URL, params={"release": "2025.1", "format": fmt}).content
            assert first == client.get(URL, params={"release": "2025.1", "format": fmt}).content

    def test_sts_terms_match_the_release(self, client, released):
        root = ElementTree.fromstring(client.get(URL, params={"release": "2025.1", "format": "sts"}).content)
        printed = {t.findtext(f"{{{TBX}}}term") for t in root.iter(f"{{{TBX}}}tig")}
        items = client.get("/api/v1/concepts", params={"release": "2025.1", "part": 1, "limit": 500}).json()["items"]
        held = {t["text"] for c in items for t in c["terms"] if t["lang"] in ("zh-CN", "en")}
        assert printed == held and "长期" in printed

    def test_docx_is_dated_at_the_release(self, client, released):
        content = client.get(URL, params={"release": "2025.1", "format": "docx"}).content
        created = docx.Document(io.BytesIO(content)).core_properties.created
        assert created.isoformat()[:19] == released["created_at"][:19]
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            # zip times count seconds in twos
            assert {i.date_time for i in archive.infolist()} == {(*created.timetuple()[:5], created.second // 2 * 2)}

    def test_cover_shows_the_release_stage_and_the_index_reads_heteronyms(self, client, released):
        html = client.get(URL, params={"release": "2025.1", "format": "html"}).text
        assert "（征求意见稿）" in html and "JR/T XXXX.1" in html
        assert '<span class="t">长期</span> <span class="py">chángqī</span>' in html

    def test_live_state_by_code(self, client, released):
        answer = client.get("/api/v1/standards/JR/T XXXX.1/document", params={"format": "sts"})
        assert answer.status_code == 200 and b"<std-ref" in answer.content


class TestChecks:
    def test_checks_list_the_problems(self, client, released):
        live = client.get(URL + "/checks").json()  # 1.4.1 is proposed live, so every reference resolves
        assert all(p["code"] != "dangling_reference" for p in live)
        # the release holds part 1 only: references to the other parts are not in it
        held = client.get(URL + "/checks", params={"release": "2025.1"}).json()
        assert held and {p["code"] for p in held} == {"dangling_reference"}

    def test_strict_refuses_a_non_conforming_document(self, client, tokens, engine):
        from terms.seed import seed_concepts
        with transaction(engine) as session:
            seed_concepts(session)  # 1.4.1 stays a draft: 1.1.1 and 1.4 refer to an entry the document lacks
        problems = client.get(URL + "/checks").json()
        assert {("dangling_reference", "1.1.1"), ("dangling_reference", "1.4")} <= {(p["code"], p["entry"])
                                                                                   for p in problems}
        loose = client.get(URL, params={"format": "sts"})
        assert loose.status_code == 200 and int(loose.headers["x-document-problems"]) == len(problems)
        body = assert_problem(client.get(URL, params={"format": "sts", "strict": "true"}), 422, "invalid-input")
        assert len(body["errors"]) == len(problems)


class TestErrors:
    def test_unknown_standard_release_and_format(self, client, released):
        assert_problem(client.get("/api/v1/standards/nope/document"), 404, "not-found")
        assert_problem(client.get(URL, params={"release": "9.9"}), 404, "not-found")
        assert_problem(client.get(URL, params={"format": "odt"}), 422)

    def test_release_without_the_standard(self, client, tokens, released):
        client.post("/api/v1/releases", headers=bearer(tokens["reviewer"]),
                    json={"name": "2025.2", "stage": "comment_draft", "scope": {"parts": [2]}})
        assert_problem(client.get(URL, params={"release": "2025.2"}), 422, "invalid-input")
