"""Undecodable bytes in a CSV are reported at their true line and byte offset (issue 11 item 13), wherever
they fall: in the first megabyte, after it, or across the read-ahead blocks of the text layer."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import csv_io
from registry.errors import ImportRejected

ALIASES = {"code": "code", "name": "name"}
CELL = st.text(alphabet="abc证券期货,XY 0123", min_size=0, max_size=12).map(lambda t: t.replace(",", ""))


def rows_of(data: bytes) -> list:
    return list(csv_io.read_table(io.BytesIO(data), ALIASES, source="t.csv").rows)


def rejection(data: bytes) -> dict:
    with pytest.raises(ImportRejected) as caught:
        rows_of(data)
    (error,) = caught.value.extensions["errors"]
    assert f"line {error['line']}" in caught.value.detail and f"byte {error['byte']}" in caught.value.detail
    return error


def bad_file(cells: list[str], bad_line: int, encoding: str = "utf-8") -> tuple[bytes, int]:
    """A header and one row per cell, with the byte 0xFF placed at the end of line `bad_line`; its offset."""
    lines = ["code,name", *(f"{i},{cell}" for i, cell in enumerate(cells))]
    encoded = [line.encode(encoding) + b"\n" for line in lines]
    offset = sum(len(line) for line in encoded[:bad_line - 1]) + len(encoded[bad_line - 1]) - 1
    encoded[bad_line - 1] = encoded[bad_line - 1][:-1] + b"\xff\n"
    return b"".join(encoded), offset


class TestTrueLine:
    def test_line_two_of_a_small_file_is_line_two(self):
        data, offset = bad_file(["上海", "深圳"], 2)
        assert rejection(data) == {**rejection(data), "line": 2, "byte": offset}

    def test_line_4001_past_the_first_megabyte_is_line_4001(self):
        cells = ["证券期货" * 100] * 5000  # ~1.2 MB of UTF-8 before the end
        data, offset = bad_file(cells, 4001)
        assert offset > csv_io.HEAD_BYTES
        error = rejection(data)
        assert (error["line"], error["byte"]) == (4001, offset)

    def test_gb18030_files_too(self):
        data, offset = bad_file(["上海证券交易所", "深圳证券交易所", "北京证券交易所"], 3, "gb18030")
        error = rejection(data)
        assert (error["line"], error["byte"]) == (3, offset)

    @settings(max_examples=60, deadline=None)
    @given(cells=st.lists(CELL, min_size=1, max_size=40), data=st.data(),
           head=st.integers(min_value=3, max_value=64), encoding=st.sampled_from(["utf-8", "gb18030"]))
    def test_any_line_any_block_size(self, cells, data, head, encoding):
        bad_line = data.draw(st.integers(min_value=2, max_value=len(cells) + 1))
        content, offset = bad_file(cells, bad_line, encoding)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(csv_io, "HEAD_BYTES", head)  # tiny blocks: the bad byte lands anywhere in one
            # a head of plain ASCII is taken for UTF-8; a GB18030 file is then reported as bad UTF-8 where
            # its first Chinese character is, which is the true place of the first undecodable byte too
            try:
                rows_of(content)
            except ImportRejected as rejected:
                (error,) = rejected.extensions["errors"]
            else:
                pytest.fail("accepted a file with an undecodable byte")
        first_bad = _first_undecodable(content, encoding, head)
        assert (error["line"], error["byte"]) == (content.count(b"\n", 0, first_bad) + 1, first_bad)
        assert first_bad <= offset


def _first_undecodable(content: bytes, encoding: str, head: int) -> int:
    """Where a reader that chose its codec from the first `head` bytes meets its first undecodable byte."""
    chosen = csv_io.detect_encoding(content[:head]) if _decodes(content[:head]) else None
    try:
        content.decode(chosen or encoding)
    except UnicodeDecodeError as error:
        return error.start
    raise AssertionError("the file decodes")


def _decodes(head: bytes) -> bool:
    try:
        csv_io.detect_encoding(head)
    except ImportRejected:
        return False
    return True


def test_a_clean_file_reads_through_small_blocks(monkeypatch):
    monkeypatch.setattr(csv_io, "HEAD_BYTES", 5)
    rows = rows_of("code,name\n1,上海证券交易所\n2,深圳\n".encode())
    assert [cells["name"] for _, cells in rows] == ["上海证券交易所", "深圳"]
