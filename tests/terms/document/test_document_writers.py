"""The four writers read back as a reader would: the PDF's text and pages (pdftotext, pypdf, pdftoppm),
the DOCX through python-docx, the STS parsed, the HTML byte for byte. Page images of a page of entries and
of an index page are kept under test-artifacts/document/."""

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import RELEASED, concept, front, sample_snapshots
from defusedxml import ElementTree
from pypdf import PdfReader

from terms.document.build import assemble
from terms.document.docx_writer import write_docx
from terms.document.html_writer import write_html
from terms.document.sts_writer import TBX, write_sts
from terms.document.typst_writer import write_pdf

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "document"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "standard.pdf"
    path.write_bytes(write_pdf(assemble(sample_snapshots(), front())))
    return path


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


def in_order(text: str, *parts: str) -> bool:
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
    return True


@needs_poppler
class TestPdf:
    def test_text_runs_in_document_order(self, pdf):
        text = pdftotext(pdf)
        assert in_order(text, "JR/T 9999.7", "征求意见稿", "目", "前", "1", "范围", "2", "规范性引用文件",
                        "术语和定义", "3.1", "金融机构", "3.1.1", "银行", "3.1.2", "行情", "3.2", "期限", "3.2.3",
                        "长仓", "附录", "概念体系图", "参考文献", "汉语拼音索引", "英文对应词索引")

    def test_notes_examples_sources_and_references(self, pdf):
        text = pdftotext(pdf)
        assert in_order(text, "银行", "注：一条注。", "[来源：GB/T 36000—2018，2.3，有修改]")
        assert in_order(text, "行情", "示例 1：第一个示例。", "示例 2：第二个示例。", "注 1：第一条注。",
                        "注 2：第二条注。", "见 3.1.1", "[来源：GB/T 36000—2018，2.4]")
        assert "银号（拒用）" in text and "多仓（被取代）" in text

    def test_both_indexes_group_by_letter(self, pdf):
        text = pdftotext(pdf)
        pinyin = text[text.rindex("汉语拼音索引"):text.rindex("英文对应词索引")]
        assert in_order(pinyin, "C", "长仓", "长期 chángqī", "H", "行情 hángqíng", "还款", "Y", "银行 yínháng")
        english = text[text.rindex("英文对应词索引"):]
        assert in_order(english, "B", "bank", "L", "the long run", "M", "market data")

    def test_fonts_are_embedded_and_dates_are_the_release_time(self, pdf):
        reader = PdfReader(pdf)
        assert reader.metadata.creation_date.replace(tzinfo=None) == RELEASED.replace(tzinfo=None)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "NotoSerifCJK" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])

    def test_same_release_same_text(self, pdf):
        again = write_pdf(assemble(sample_snapshots(), front()))
        first = "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert first == "".join(p.extract_text() for p in PdfReader(io.BytesIO(again)).pages)

    def test_a_duplicated_number_still_prints(self):
        twin = concept("3.1.1", "重复", "duplicate", xrefs=[{"type": "see", "target": 11}])
        snapshots = [*sample_snapshots(), (99, twin)]
        document = assemble(snapshots, front())
        assert [p.code for p in document.problems] == ["duplicate_number"]
        assert write_pdf(document).startswith(b"%PDF")

    def test_pages_render_to_png(self, pdf):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pages = len(PdfReader(pdf).pages)
        text_per_page = pdftotext(pdf).split("\f")
        entries = next(i for i, t in enumerate(text_per_page) if "3.1.2" in t and "注 1：" in t) + 1
        index = next(i for i, t in enumerate(text_per_page) if "汉语拼音索引" in t and "yínháng" in t) + 1
        for name, number in (("entries-page", entries), ("index-page", index)):
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number), "-singlefile",
                            str(pdf), str(ARTIFACTS / name)], check=True, timeout=60)
            assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
        assert pages >= 6


@pytest.fixture(scope="module")
def read():
    return docx.Document(io.BytesIO(write_docx(assemble(sample_snapshots(), front()))))


class TestDocx:
    def test_named_styles_in_document_order(self, read):
        lines = [(p.style.name, p.text) for p in read.paragraphs if p.text]
        bank = lines.index(("条目编号", "3.1.1"))
        assert lines[bank:bank + 6] == [
            ("条目编号", "3.1.1"), ("首选术语", "银行 bank"), ("拒用术语", "银号（拒用）"), ("定义", "定义。"),
            ("注", "注：一条注。"), ("来源", "[来源：GB/T 36000—2018，2.3，有修改]")]
        assert ("术语组标题1", "3.1　金融机构 financial institution") in lines
        styles = [s for s, _ in lines]
        assert styles.index("封面标准编号") < styles.index("目次条目") < styles.index("章标题") \
            < styles.index("条目编号") < styles.index("索引字母")

    def test_header_page_number_and_times(self, read):
        body = read.sections[-1]
        assert body.header.paragraphs[0].text == "JR/T 9999.7"
        assert "PAGE" in body.footer.paragraphs[0]._p.xml
        assert read.core_properties.created == RELEASED == read.core_properties.modified

    def test_same_release_same_bytes(self):
        document = assemble(sample_snapshots(), front())
        assert write_docx(document) == write_docx(document)


class TestSts:
    def test_terms_match_the_snapshots(self):
        root = ElementTree.fromstring(write_sts(assemble(sample_snapshots(), front())))
        entries = root.findall(".//term-sec")
        assert [s.findtext("label") for s in entries][:3] == ["3.1", "3.1.1", "3.1.2"]
        found = {(e.get("id"), ls.get("{http://www.w3.org/XML/1998/namespace}lang"), t.findtext(f"{{{TBX}}}term"),
                  t.find(f"{{{TBX}}}normativeAuthorization").get("value"))
                 for e in root.iter(f"{{{TBX}}}termEntry") for ls in e.iter(f"{{{TBX}}}langSet")
                 for t in ls.iter(f"{{{TBX}}}tig")}
        expected = {(f"term_{d['entry_number']}", "zh" if t["lang"] == "zh-CN" else "en", t["text"],
                     f"{t['status']}Term") for _, d in sample_snapshots() for t in d["terms"]}
        assert found == expected

    def test_nesting_follows_the_numbering(self):
        root = ElementTree.fromstring(write_sts(assemble(sample_snapshots(), front())))
        group = root.find(".//term-sec[@id='sec_3.1']")
        assert [s.get("id") for s in group.findall("term-sec")] == ["sec_3.1.1", "sec_3.1.2"]

    def test_byte_identical(self):
        assert write_sts(assemble(sample_snapshots(), front())) == write_sts(assemble(sample_snapshots(), front()))


class TestHtml:
    def test_byte_identical_and_escaped(self):
        snapshots = sample_snapshots()
        snapshots[0][1]["definition"]["zh-CN"] = "<script>alert(1)</script>"
        first = write_html(assemble(snapshots, front()))
        assert first == write_html(assemble(snapshots, front()))
        assert b"<script>alert" not in first and b"&lt;script&gt;" in first

    @pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz not installed")
    def test_diagram_boxes_link_to_their_entries(self):
        html = write_html(assemble(sample_snapshots(), front())).decode()
        assert '<figure class="diagram" id="fig-3.1">' in html
        assert 'xlink:href="#e-3.1.1"' in html and 'id="e-3.1.1"' in html
