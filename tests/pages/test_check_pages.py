"""The term-check page: server-rendered marks by level, the side list, ignoring, errors, Chinese and English."""

import re

from check_helpers import checker as checker
from check_helpers import word_document
from pages_helpers import HTML, assert_page, csrf

TEXT = "投资者参与两融业务，即融资融券交易。<script>x</script>不得爆仓。"


def post(client, token, **fields):
    files = fields.pop("files", None)
    return client.post("/check", data={"csrf": token, **fields}, files=files, headers=HTML)


def marks(body: str) -> list[tuple[str, str]]:
    return re.findall(r'<a class="term lvl-(\w+)" href="/concepts/\d+[^"]*"[^>]*>.*?</span>.*?</span>([^<]+)</a>',
                      body)


class TestCheckPage:
    def test_form_in_chinese_and_english(self, checker):
        body = assert_page(checker.get("/check", headers=HTML), 200, "术语检查")
        assert 'enctype="multipart/form-data"' in body and 'name="file"' in body
        assert_page(checker.get("/check?lang=en", headers=HTML), 200, "Term check")

    def test_marks_match_the_api_findings(self, checker):
        token = csrf(checker.get("/check", headers=HTML))
        body = assert_page(post(checker, token, text=TEXT), 200, "术语检查")
        api = checker.post("/api/v1/check", json={"text": TEXT}).json()
        expected = [(f["level"], f["form"]) for f in api["findings"] if f["kind"] == "term"]
        assert marks(body) == expected == [("info", "两融"), ("recognised", "融资融券"), ("error", "爆仓")]
        assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x" not in body
        assert 'role="tooltip"' in body and "应使用「强行平仓」" in body and "✖" in body
        assert re.search(r'<h3 id="group-error">.*应修改 \(1\)', body)

    def test_ignore_keeps_the_text_and_drops_the_concept(self, checker):
        token = csrf(checker.get("/check", headers=HTML))
        first = post(checker, token, text=TEXT)
        concept = re.search(r'name="ignore" value="concept:(\d+)"', first.text).group(1)
        body = assert_page(post(checker, token, text=TEXT, ignore=f"concept:{concept}"), 200, "术语检查")
        assert len(marks(body)) == 2 and "已忽略 1 处" in body

    def test_upload_a_word_document(self, checker):
        token = csrf(checker.get("/check", headers=HTML))
        answer = post(checker, token, text="", files={"file": ("细则.docx", word_document())})
        body = assert_page(answer, 200, "术语检查")
        assert "细则.docx" in body and ("error", "爆仓") in marks(body)

    def test_empty_text_is_shown_as_an_error_on_the_page(self, checker):
        token = csrf(checker.get("/check", headers=HTML))
        body = assert_page(post(checker, token, text="  "), 422, "术语检查")
        assert 'role="alert"' in body

    def test_a_post_without_the_form_token_is_refused(self, checker):
        assert checker.post("/check", data={"text": TEXT}, headers=HTML).status_code == 403
