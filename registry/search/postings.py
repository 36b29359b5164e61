"""Fast reads of whole posting lists from a whoosh 2.7.4 segment.

whoosh's matchers step through postings one method call at a time (~0.5 µs each); our queries want
whole lists as sets, so this reads the W3 blocks directly: per block one ``pickle.loads`` and one
``accumulate`` over the delta-encoded ids, both in C. Deleted documents are not filtered here; the
caller's per-segment tables map them to nothing.
"""

import io
import pickle
import zlib
from itertools import accumulate

from whoosh.reading import SegmentReader, TermNotFound


def doc_ids(reader: SegmentReader, field: str, token: str) -> list[int] | tuple[int, ...]:
    """Every document number holding `token` in `field` (ascending; empty when absent)."""
    try:
        info = reader.term_info(field, token)
    except (TermNotFound, KeyError):
        return ()
    return ids_of(reader, info)


def ids_of(reader: SegmentReader, info) -> list[int] | tuple[int, ...]:
    """The document numbers of a term given its W3 term info."""
    if info.is_inlined():
        return info.inlined_postings()[0]
    offset, length = info.extent()
    if isinstance(length, tuple):  # whoosh 2.7.4's W3TermInfo.from_bytes leaves it a 1-tuple
        length = length[0]
    return _read_blocks(reader._terms._postfile.get(offset, length))


def with_prefix(reader: SegmentReader, field: str, prefix: str, cap: int):
    """(token bytes, document numbers) of up to `cap` tokens starting with `prefix`."""
    for count, (token, info) in enumerate(reader.iter_prefix(field, prefix)):
        if count >= cap:
            return
        yield token, ids_of(reader, info)


def _read_blocks(raw: bytes) -> list[int]:
    stream = io.BytesIO(raw)
    stream.seek(4)  # header magic
    ids: list[int] = []
    last = False
    while not last:
        size = int.from_bytes(stream.read(4), "big", signed=True)
        last, size = size < 0, abs(size)
        start = stream.tell()
        info = pickle.load(stream)  # noqa: S301 - whoosh's own block format, in our own index files
        data = stream.read(size - (stream.tell() - start))
        if info[3]:
            data = zlib.decompress(data)
        ids.extend(accumulate(pickle.loads(data)[0]))  # noqa: S301 - as above
    return ids
