"""Term checking over HTTP and the CLI: findings, filters, releases, uploads, bad input, the Word round trip."""

import time

import pytest
from check_helpers import checker as checker
from check_helpers import comments_of, macro_document, pdf, text_of, word_document
from fastapi.testclient import TestClient
from support import assert_problem, bearer
from typer.testing import CliRunner

from registry.settings import get_settings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "投资者参与两融业务，即融资融券交易。爆仓风险；期货经纪公司；MTSL。"


def check(client, text=TEXT, **options):
    answer = client.post("/api/v1/check", json={"text": text, **options})
    assert answer.status_code == 200, answer.text
    return answer.json()


def terms(answer):
    return [(f["form"], f["level"], f["status"]) for f in answer["findings"] if f["kind"] == "term"]


def upload(client, name, data, **fields):
    return client.post("/api/v1/check", files={"file": (name, data)}, data=fields)


class TestCheckText:
    def test_levels_offsets_and_summary(self, checker):
        answer = check(checker)
        assert terms(answer) == [("两融", "info", "admitted"), ("融资融券", "recognised", "preferred"),
                                 ("爆仓", "error", "deprecated"), ("期货经纪公司", "error", "superseded"),
                                 ("MTSL", "info", "admitted")]
        found = answer["findings"][2]
        assert TEXT[found["start"]:found["end"]] == "爆仓" and found["start_utf16"] == found["start"]
        assert found["use"]["term"] == "强行平仓" and found["entry_number"] == "5.1.2" and found["release"] is None
        assert answer["summary"]["error"] == 2 and answer["summary"]["consistency"] == 1

    def test_recognised_terms_carry_entry_and_definition(self, checker):
        found = check(checker, "融资融券")["findings"][0]
        assert found["entry_number"] == "3.2.1" and found["definition"].startswith("投资者")

    def test_traditional_and_full_width_text(self, checker):
        found = terms(check(checker, "兩融與ＭＴＳＬ"))
        assert found == [("兩融", "info", "admitted"), ("ＭＴＳＬ", "info", "admitted")]

    @pytest.mark.parametrize("body", [{"text": ""}, {"text": "  \n "}, {}, {"text": "x", "parts": [0]},
                                      {"text": "x", "ignore": [{}]}, {"text": "x", "colour": 1}])
    def test_bad_requests_are_422(self, checker, body):
        assert_problem(checker.post("/api/v1/check", json=body), 422, "invalid-input")

    def test_parts_standards_and_exclusions(self, checker):
        # part 5 holds 爆仓 and 期货, the longest part-5 form inside 期货经纪公司 (part 6)
        assert [f for f, *_ in terms(check(checker, parts=[5]))] == ["爆仓", "期货"]
        assert [f for f, *_ in terms(check(checker, standards=["sfterms-6"]))] == ["期货经纪公司"]
        assert "爆仓" not in [f for f, *_ in terms(check(checker, exclude_parts=[5]))]
        assert "期货经纪公司" not in [f for f, *_ in terms(check(checker, exclude_standards=["sfterms-6"]))]
        assert_problem(checker.post("/api/v1/check", json={"text": "x", "parts": [99]}), 422)
        assert_problem(checker.post("/api/v1/check", json={"text": "x", "standards": ["nope"]}), 404)

    def test_ignore_for_the_rest_of_the_document(self, checker):
        answer = check(checker, "爆仓、爆仓、两融", ignore=[{"form": "爆仓"}])
        assert terms(answer) == [("两融", "info", "admitted")] and answer["summary"]["ignored"] == 2
        concept = check(checker, "两融")["findings"][0]["concept_id"]
        assert terms(check(checker, "两融，融资融券", ignore=[{"concept_id": concept}])) == []

    def test_unknown_release_is_404(self, checker):
        assert_problem(checker.post("/api/v1/check", json={"text": "x", "release": "nope"}), 404)


class TestCurrency:
    def test_a_release_is_checked_exactly_and_the_live_state_follows_approvals(self, checker, tokens):
        made = checker.post("/api/v1/releases", json={"name": "2026.1-cd", "stage": "comment_draft"},
                            headers=bearer(tokens["reviewer"]))
        assert made.status_code == 201, made.text
        body = {"part": 2, "entry_number": "2.99", "definition": {"zh-CN": "测试用定义。"},
                "terms": [{"text": "新设术语", "lang": "zh-CN", "status": "preferred"},
                          {"text": "旧设术语", "lang": "zh-CN", "status": "deprecated"}]}
        concept = checker.post("/api/v1/concepts", json=body, headers=bearer(tokens["editor"])).json()
        for step, role in (("proposed", "editor"), ("approved", "reviewer")):
            moved = checker.post(f"/api/v1/concepts/{concept['id']}/transitions", json={"to": step},
                                 headers=bearer(tokens[role]))
            assert moved.status_code == 200, moved.text
        deadline = time.monotonic() + 15
        while not terms(check(checker, "旧设术语")) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert terms(check(checker, "旧设术语")) == [("旧设术语", "error", "deprecated")]
        in_release = check(checker, "旧设术语，两融", release="2026.1-cd")
        assert terms(in_release) == [("两融", "info", "admitted")]
        assert in_release["findings"][0]["release"] == "2026.1-cd"


class TestUploads:
    def test_text_and_markdown(self, checker):
        answer = upload(checker, "rule.md", "# 规则\n\n不得爆仓。".encode())
        assert answer.status_code == 200 and terms(answer.json()) == [("爆仓", "error", "deprecated")]

    def test_gb18030_is_detected(self, checker):
        text = "投资者参与两融业务时，应当防范爆仓风险，遵守证券公司的规定。"
        answer = upload(checker, "rule.txt", text.encode("gb18030"))
        assert answer.status_code == 200, answer.text
        assert answer.json()["summary"]["document"]["encoding"] == "gb18030"
        assert [f for f, *_ in terms(answer.json())] == ["两融", "爆仓", "证券公司"]

    def test_pdf_text_layer(self, checker):
        answer = upload(checker, "rule.pdf", pdf("FCM and margin trading and securities lending"))
        assert answer.status_code == 200, answer.text
        assert [f for f, *_ in terms(answer.json())] == ["FCM", "margin trading and securities lending"]

    def test_unreadable_files_are_422_with_the_reason(self, checker):
        problem = assert_problem(upload(checker, "scan.pdf", pdf(None)), 422, "document-rejected")
        assert "no text layer" in problem["detail"] and problem["errors"][0]["pointer"] == "/file"
        assert_problem(upload(checker, "rule.docx", macro_document()), 422, "document-rejected")

    def test_an_empty_form_is_422(self, checker):
        assert_problem(checker.post("/api/v1/check", data={"text": " "}), 422, "invalid-input")

    def test_over_the_limit_is_413(self, engine, seeded, monkeypatch):
        from api.app import create_app
        monkeypatch.setenv("SFREG_MAX_CHECK_BYTES", "5000")
        get_settings.cache_clear()
        with TestClient(create_app(), raise_server_exceptions=False) as client:
            assert_problem(upload(client, "big.txt", "证券".encode() * 2000), 413, "too-large")
            assert_problem(client.post("/api/v1/check", json={"text": "证券" * 2000}), 413, "too-large")
            assert client.post("/api/v1/check", json={"text": "证券" * 100}).status_code == 200


class TestWordRoundTrip:
    def test_the_same_document_comes_back_with_comments(self, checker):
        original = word_document()
        findings = upload(checker, "细则.docx", original).json()
        answer = checker.post("/api/v1/check?format=docx", files={"file": ("细则.docx", original)})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == DOCX and "checked.docx" in answer.headers["content-disposition"]
        assert text_of(answer.content) == text_of(original)
        comments = comments_of(answer.content)
        wanted = [f for f in findings["findings"] if f.get("level") in ("error", "info")]
        assert len(comments) == len(wanted) == int(answer.headers["x-comments-added"]) == 5
        assert "「爆仓」是拒用术语，应使用「强行平仓」（条目 5.1.2）。" in comments
        assert any("「两融」是许用术语" in c for c in comments)

    def test_docx_output_needs_a_docx_upload(self, checker):
        assert_problem(checker.post("/api/v1/check?format=docx", json={"text": "爆仓"}), 422)
        assert_problem(checker.post("/api/v1/check?format=pdf", json={"text": "爆仓"}), 422)


class TestCli:
    def test_text_json_and_docx(self, checker, tmp_path):
        from sfreg_cli import app
        runner = CliRunner()
        source = tmp_path / "rule.txt"
        source.write_text("两融业务", encoding="utf-8")
        done = runner.invoke(app, ["check", str(source)])
        assert done.exit_code == 0 and "许用术语" in done.output
        source.write_text("爆仓", encoding="utf-8")
        done = runner.invoke(app, ["check", str(source), "--format", "json"])
        assert done.exit_code == 1 and '"level": "error"' in done.output
        document = tmp_path / "rule.docx"
        document.write_bytes(word_document())
        done = runner.invoke(app, ["check", str(document), "--format", "docx"])
        assert done.exit_code == 1 and "5 comments" in done.output
        assert len(comments_of((tmp_path / "rule.checked.docx").read_bytes())) == 5

    def test_refused_file_exits_2(self, checker, tmp_path):
        from sfreg_cli import app
        bad = tmp_path / "scan.pdf"
        bad.write_bytes(pdf(None))
        done = CliRunner().invoke(app, ["check", str(bad)])
        assert done.exit_code == 2 and "no text layer" in done.output
