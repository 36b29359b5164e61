"""A lean whoosh segment writer: postings inverted in memory, written straight through the codec.

whoosh 2.7.4's own writer pushes every posting through an external-sort pool, ~17 µs per posting: a
100,000-concept rebuild took 100 s. Our fields are existence-only token lists that we analyse
ourselves, so this writer appends each document number to an in-memory list per token and, at commit,
writes each list with whoosh's W3 on-disk format (blocks of pickled delta-encoded ids; lists of up to
`INLINE_LIMIT` postings inlined in the term table, which the stock writer means to do but cannot: it
calls a misspelt ``set_inline``). About 1 µs per posting. The index stays a plain whoosh 2.7.4 index:
only whoosh classes are pickled into its table of contents, and whoosh's readers and merges read it.

This module leans on whoosh internals (``SegmentWriter`` commit steps, ``W3FieldWriter`` files); the
pin ``whoosh==2.7.4`` (the last release) keeps them fixed.
"""

import pickle
import zlib
from collections import defaultdict
from itertools import pairwise

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3TermInfo
from whoosh.system import pack_ushort
from whoosh.writing import SegmentWriter

BLOCK_LIMIT = 1024
INLINE_LIMIT = 4
COMPRESS_OVER = 512  # bytes of pickled ids; zlib level 1 above this


class BulkFieldWriter(W3FieldWriter):
    """W3 field writer that takes one whole, sorted posting list per term."""

    def add_term(self, btext: bytes, ids: list[int]) -> None:
        info = W3TermInfo()
        info._weight, info._df, info._maxweight = float(len(ids)), len(ids), 1.0
        info._minlength, info._maxlength = 0, 0
        info._minid, info._maxid = ids[0], ids[-1]
        if len(ids) <= INLINE_LIMIT:
            info._inlined = (tuple(ids), (1.0,) * len(ids), ())
        else:
            start = self._postfile.tell()
            self._write_blocks(ids)
            info.set_extent(start, self._postfile.tell() - start)
        self._tindex.add(pack_ushort(self._fieldid) + btext, info.to_bytes())

    def _write_blocks(self, ids: list[int]) -> None:
        out = self._postfile
        out.write(WHOOSH3_HEADER_MAGIC)
        for start in range(0, len(ids), BLOCK_LIMIT):
            block = ids[start:start + BLOCK_LIMIT]
            deltas = [block[0]] + [b - a for a, b in pairwise(block)]
            data = pickle.dumps((tuple(deltas), None, None), 2)
            level = 1 if len(data) > COMPRESS_OVER else 0
            if level:
                data = zlib.compress(data, level)
            info = pickle.dumps((len(block), block[-1], 1.0, level, 0, 0), 2)
            size = len(info) + len(data)
            out.write_int(-size if start + BLOCK_LIMIT >= len(ids) else size)
            out.write(info)
            out.write(data)


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter for documents given as ready token lists.

    `add_tokens(tokens, stored, columns)` adds one document: `tokens` maps field → token strings (already
    unique), `stored` the stored-field values, `columns` the column values. Merged segments (whoosh's
    merge policy calls ``add_reader``) come through `pool.add` and land in the same lists.
    """

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self.fieldwriter.close()  # the stock writer's (still empty) files: ours recreate them
        self.fieldwriter = BulkFieldWriter(self.codec, self.storage, self.newsegment)
        self.pool = _MemoryPool(self.pool)

    def add_tokens(self, tokens: dict[str, list[str]], stored: dict | None = None,
                   columns: dict | None = None) -> None:
        docnum = self.docnum
        self.perdocwriter.start_doc(docnum)
        inverted = self.pool.inverted
        for field, values in tokens.items():
            postings = inverted[field]
            for value in values:
                postings[value.encode()].append(docnum)
        for name, value in (stored or {}).items():
            self.perdocwriter.add_field(name, self.schema[name], value, 0)
        for name, value in (columns or {}).items():
            self.perdocwriter.add_column_value(name, self.schema[name].column_type, value)
        self.perdocwriter.finish_doc()
        self.docnum += 1
        self._added = True

    def add_document(self, **fields):
        raise TypeError("BulkSegmentWriter takes add_tokens(), not add_document()")

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        for field in sorted(self.pool.inverted):
            terms = self.pool.inverted[field]
            writer.start_field(field, self.schema[field])
            for btext in sorted(terms):
                writer.add_term(btext, terms[btext])
            writer.finish_field()
        writer.close()


class _MemoryPool:
    """Stands in for whoosh's PostingPool: postings from merged segments, in memory."""

    def __init__(self, replaced) -> None:
        self._replaced = replaced
        self.inverted: dict[str, dict[bytes, list[int]]] = defaultdict(lambda: defaultdict(list))

    def add(self, item) -> None:
        fieldname, btext, docnum, _weight, _value = item
        self.inverted[fieldname][btext].append(docnum)

    def cleanup(self) -> None:
        self._replaced.cleanup()
