"""The whoosh schema and the mapping of one `SearchDocument` onto whoosh documents.

A revision becomes one *text document* (definitions and notes, the payload, the rank key and facets)
and one *name document* per name (its ``r`` column holds the language, the folded name and its
reading choices), so that a hit on a name knows exactly which name matched and in which language.
Every document carries the entity id in ``grp`` (re-indexing an entity deletes by it) and a
fixed-size row in the ``m`` column that a searcher loads per segment in one read.

Only stock whoosh field and column types appear here, so any whoosh 2.7.4 can open the index.
"""

import struct

from whoosh import columns, fields

from registry.search.analyzers import name_tokens, reading_choices, text_tokens
from registry.search.documents import OPEN, SearchDocument
from registry.search.folding import fold

SCHEMA_VERSION = 5
TOKEN_FIELDS = ("g", "w", "i", "s", "sa", "f", "tc", "tw")
META_GROUP = "~meta"

KIND_TEXT, KIND_NAME = 1, 2
FLAG_PRIMARY, FLAG_LIVE = 1, 2
ROW = struct.Struct("!IIBBHII")  # key, group, kind, flags, name index, rel_from, rel_to
EMPTY_ROW = (0, 0, 0, 0, 0, 0, 0)


def build_schema() -> fields.Schema:
    schema = fields.Schema(
        grp=fields.ID(),
        p=fields.STORED(),
        m=fields.COLUMN(columns.StructColumn(ROW.format, EMPTY_ROW)),
        r=fields.COLUMN(columns.VarBytesColumn()),
    )
    for name in TOKEN_FIELDS:
        schema.add(name, fields.ID())
    return schema


def encode_info(rank: str, digest: str, facets: dict[str, str]) -> bytes:
    return "\x1f".join([rank, digest, *(f"{k}={v}" for k, v in sorted(facets.items()))]).encode()


def decode_info(raw: bytes) -> tuple[str, str, dict[str, str]]:
    """(rank, digest, facets) of a text document's ``r`` value."""
    rank, digest, *pairs = raw.decode().split("\x1f")
    return rank, digest, dict(pair.split("=", 1) for pair in pairs)


def whoosh_documents(doc: SearchDocument) -> list[tuple[dict, dict | None, dict]]:
    """(tokens, stored, columns) for the text document and each name document of `doc`."""
    group = str(doc.group)
    live = FLAG_LIVE if doc.live else 0
    rel = (doc.rel_from or 0, OPEN if doc.rel_to is None else doc.rel_to)
    payload = dict(doc.payload, _names=[[n.text, n.lang] for n in doc.names],
                   _texts=[list(t) for t in doc.texts])
    text = text_tokens([t for _, t in doc.texts])
    text["grp"] = [group]
    info = encode_info(doc.rank, doc.digest, doc.facets)
    out = [(text, {"p": payload}, {"m": (doc.key, doc.group, KIND_TEXT, live, 0, *rel), "r": info})]
    for index, name in enumerate(doc.names):
        key = fold(name.text)
        tokens = name_tokens(key, name.readings)
        tokens["grp"] = [group]
        flags = live | (FLAG_PRIMARY if name.primary else 0)
        extra = f"{name.lang}\x1f{key}\x1f{reading_choices(name.readings)}".encode()
        out.append((tokens, None, {"m": (doc.key, doc.group, KIND_NAME, flags, index, *rel), "r": extra}))
    return out
