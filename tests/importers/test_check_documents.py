"""Reading documents for term checking: encodings, Word, PDF, and every way a file is refused."""

import pytest
from check_helpers import macro_document, pdf, word_document, zip_bomb
from hypothesis import given
from hypothesis import strategies as st

from importers.check_documents import decode_text, read_document
from registry.errors import DocumentRejected


class TestText:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
    def test_encodings_read(self, encoding):
        text = "投资者参与两融业务时，应当防范爆仓风险，遵守证券公司的规定。"
        assert read_document("a.txt", text.encode(encoding)).text.lstrip("\ufeff") == text

    def test_big5_is_detected(self):
        text = "投資者參與融資融券業務時，應當防範風險，遵守證券公司與期貨公司的規定。"
        document = read_document("a.md", text.encode("big5"))
        assert (document.text, document.encoding) == (text, "big5")

    def test_binary_noise_is_refused(self):
        with pytest.raises(DocumentRejected, match="save it as UTF-8"):
            read_document("a.txt", bytes(range(128, 256)) * 8)

    @given(st.text(max_size=200))
    def test_any_utf8_text_reads_back_unchanged(self, text):
        assert decode_text(text.encode(), name="a.txt") == (text, "utf-8")


class TestWordAndPdf:
    def test_word_text_in_reading_order(self):
        text = read_document("a.docx", word_document()).text
        assert text.startswith("融资融券业务管理细则（示例）\n\n第一条 投资者参与两融业务时")
        assert text.endswith("基金经理\n\nFCM 与 margin trading and securities lending")

    def test_pdf_text_layer(self):
        assert "margin trading" in read_document("a.pdf", pdf("margin trading")).text

    @pytest.mark.parametrize("name,data,says", [
        ("rule.docx", b"PK not really a zip", "not a ZIP"),
        ("rule.docx", zip_bomb(), "zip bomb"),
        ("rule.docx", macro_document(), "macro"),
        ("rule.docm", word_document(), "macro"),
        ("rule.doc", b"\xd0\xcf\x11\xe0", ".docx"),
        ("rule.xlsx", b"PK", "cannot be checked"),
        ("rule.pdf", b"%PDF-1.4 broken", "damaged PDF"),
        ("scan.pdf", pdf(None), "no text layer"),
    ])
    def test_unreadable_files_are_refused_with_the_reason(self, name, data, says):
        with pytest.raises(DocumentRejected) as refused:
            read_document(name, data)
        assert says in refused.value.detail, refused.value.detail
