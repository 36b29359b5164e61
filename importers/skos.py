"""Classification schemes as SKOS (W3C Simple Knowledge Organization System), Turtle or JSON-LD, via rdflib.

Written: a `skos:ConceptScheme` (`urn:sfreg:<scheme>`) and one `skos:Concept` per code
(`urn:sfreg:<scheme>:<code>`) with `skos:notation` (the code), `skos:prefLabel` in zh and en,
`skos:broader`/`skos:narrower`, `skos:topConceptOf` for the roots, `dct:isReplacedBy` for a successor,
`owl:deprecated` for a code no longer active, and sfreg's own `sfreg:status`, `sfreg:validFrom`,
`sfreg:validTo` (namespace `urn:sfreg:vocab#`: SKOS has no validity dates).
Read: every subject typed `skos:Concept` (or carrying `skos:notation`) becomes a row; its code is its
notation, its parent its one `skos:broader`. A JSON-LD file may not name a remote `@context` (rdflib
would fetch it): only inline contexts are read. Rows are numbered by the line of the file where their
notation first appears in quotes (else their order by notation): RDF has no rows of its own.
"""

import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import orjson
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS, XSD

from codes.bulk import CodeRow
from registry.errors import ImportRejected

VOCAB = Namespace("urn:sfreg:vocab#")
FORMATS = {"ttl": "turtle", "jsonld": "json-ld"}
CONTEXT = {"skos": str(SKOS), "dct": str(DCTERMS), "owl": str(OWL), "sfreg": str(VOCAB), "xsd": str(XSD)}
LABELS = {"code": "skos:notation", "parent": "skos:broader", "name_zh": "skos:prefLabel@zh",
          "name_en": "skos:prefLabel@en", "status": "sfreg:status", "valid_from": "sfreg:validFrom",
          "valid_to": "sfreg:validTo", "successor": "dct:isReplacedBy"}


def scheme_uri(slug: str) -> URIRef:
    return URIRef(f"urn:sfreg:{slug}")


def concept_uri(slug: str, code: str) -> URIRef:
    return URIRef(f"urn:sfreg:{slug}:{code}")


# ---- writing ----------------------------------------------------------------------------------------

def write_skos(scheme: Any, snapshots: Iterable[dict[str, Any]], fmt: str) -> Iterator[str]:
    """The scheme and its codes (json snapshots) as Turtle (`ttl`) or JSON-LD (`jsonld`)."""
    graph = Graph()
    for prefix, uri in CONTEXT.items():
        graph.bind(prefix, uri)
    root = scheme_uri(scheme.slug)
    graph.add((root, RDF.type, SKOS.ConceptScheme))
    graph.add((root, SKOS.prefLabel, Literal(scheme.name_zh, lang="zh")))
    graph.add((root, SKOS.prefLabel, Literal(scheme.name_en, lang="en")))
    for data in snapshots:
        _concept(graph, scheme.slug, root, data)
    with _quiet():
        if fmt == "jsonld":
            yield graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
        else:
            yield graph.serialize(format="turtle")


@contextmanager
def _quiet() -> Iterator[None]:
    """rdflib 7.6's JSON-LD code builds a ConjunctiveGraph, which rdflib itself deprecates: not ours to fix."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning)
        yield


def _concept(graph: Graph, slug: str, root: URIRef, data: dict[str, Any]) -> None:
    node = concept_uri(slug, data["code"])
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.inScheme, root))
    graph.add((node, SKOS.notation, Literal(data["code"])))
    for field, lang in (("name_zh", "zh"), ("name_en", "en")):
        if data.get(field):
            graph.add((node, SKOS.prefLabel, Literal(data[field], lang=lang)))
    if data.get("parent"):
        parent = concept_uri(slug, data["parent"])
        graph.add((node, SKOS.broader, parent))
        graph.add((parent, SKOS.narrower, node))
    else:
        graph.add((node, SKOS.topConceptOf, root))
        graph.add((root, SKOS.hasTopConcept, node))
    graph.add((node, VOCAB.status, Literal(data["status"])))
    if data["status"] != "active":
        graph.add((node, OWL.deprecated, Literal(True)))
    for field, term in (("valid_from", VOCAB.validFrom), ("valid_to", VOCAB.validTo)):
        if data.get(field):
            graph.add((node, term, Literal(data[field], datatype=XSD.date)))
    if data.get("successor"):
        graph.add((node, DCTERMS.isReplacedBy, concept_uri(slug, data["successor"])))


# ---- reading ----------------------------------------------------------------------------------------

def read_skos(stream: IO[bytes], fmt: str, *, source: str) -> list[CodeRow]:
    """Rows (code, names, parent, status, validity, successor) of every concept; raise ImportRejected when
    the file is not readable RDF or a JSON-LD file names a remote context."""
    text = _text(stream, source)
    if fmt == "jsonld":
        _refuse_remote_contexts(text, source)
    graph = Graph()
    try:
        with _quiet():
            graph.parse(data=text, format=FORMATS[fmt])
    except Exception as error:  # rdflib raises parser-specific types (BadSyntax, JSON errors, …)
        raise _rejected(source, f"not readable as {FORMATS[fmt]}: {str(error)[:300]}") from None
    concepts = set(graph.subjects(RDF.type, SKOS.Concept)) | set(graph.subjects(SKOS.notation, None))
    codes = {uri: _one(graph, uri, SKOS.notation) for uri in concepts}
    rows = [_row(graph, uri, codes, text) for uri in sorted(concepts, key=lambda u: str(codes[u] or u))]
    for index, row in enumerate(rows, 1):
        row.line = row.line or index
    return sorted(rows, key=lambda r: r.line)


def _text(stream: IO[bytes], source: str) -> str:
    try:
        return stream.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _rejected(source, f"not UTF-8 text (byte {error.start})") from None


def _rejected(source: str, detail: str) -> ImportRejected:
    return ImportRejected(f"{source}: {detail}", errors=[{"line": None, "column": None, "detail": detail}])


def _refuse_remote_contexts(text: str, source: str) -> None:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise _rejected(source, f"not JSON: {error}") from None
    if _remote(document):
        raise _rejected(source, "the JSON-LD names a remote @context (a URL); put the context inline")


def _remote(document: Any) -> bool:
    """Whether any @context in the document is (or imports) a URL; walked without recursion."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            context = value.get("@context")
            if isinstance(context, str) or (isinstance(context, dict) and "@import" in context) or (
                    isinstance(context, list) and any(isinstance(c, str) for c in context)):
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _one(graph: Graph, subject, predicate) -> str | None:
    values = list(graph.objects(subject, predicate))
    return str(values[0]) if len(values) == 1 else ("\x00many" if values else None)


def _row(graph: Graph, uri, codes: dict, text: str) -> CodeRow:
    code = codes[uri]
    line = _line(text, code) if code and code != "\x00many" else None
    row = CodeRow(line or 0, {}, labels=LABELS, note=None)
    row.fields["code"] = None if code == "\x00many" else code
    if code == "\x00many":
        row.error("code", f"{uri} has more than one skos:notation")
    elif code is None:
        row.error("code", f"{uri} has no skos:notation (the code)")
    _labels(graph, uri, row)
    _parent(graph, uri, codes, row)
    _extras(graph, uri, row)
    return row


def _line(text: str, code: str) -> int | None:
    index = text.find(f'"{code}"')
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _labels(graph: Graph, uri, row: CodeRow) -> None:
    for label in graph.objects(uri, SKOS.prefLabel):
        lang = (getattr(label, "language", None) or "").lower()
        field = "name_zh" if lang.startswith("zh") else "name_en" if lang.startswith("en") else None
        if field and field in row.fields:
            row.error(field, f"more than one skos:prefLabel@{lang}")
        elif field:
            row.fields[field] = str(label)
    row.fields.setdefault("name_zh", None)
    row.fields.setdefault("name_en", None)


def _parent(graph: Graph, uri, codes: dict, row: CodeRow) -> None:
    broader = list(graph.objects(uri, SKOS.broader))
    if len(broader) > 1:
        row.error("parent", f"{len(broader)} skos:broader concepts; a classification node has one parent")
    row.fields["parent"] = _code_of(broader[0], codes) if len(broader) == 1 else None


def _code_of(uri, codes: dict) -> str:
    """The notation of a concept in the file, else the last segment of its URI (a registered code)."""
    known = codes.get(uri)
    if known and known != "\x00many":
        return known
    return str(uri).rsplit(":", 1)[-1].rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _extras(graph: Graph, uri, row: CodeRow) -> None:
    for field, term in (("status", VOCAB.status), ("valid_from", VOCAB.validFrom), ("valid_to", VOCAB.validTo)):
        value = _one(graph, uri, term)
        if value is not None:
            row.fields[field] = value
    successor = list(graph.objects(uri, DCTERMS.isReplacedBy))
    if successor:
        row.fields["successor"] = _code_of(successor[0], {})
