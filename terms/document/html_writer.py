"""The document as HTML: a fragment (shared with the site's page) and a standalone file (the download).

Byte-identical for the same release: the model is ordered, the diagrams come from the same `dot` input,
and nothing time- or request-dependent is written.
"""

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from terms.document import diagrams, wording
from terms.document.model import Diagram, DiagramNode, Document

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, auto_reload=False)


def in_document(node: DiagramNode) -> str:
    return f"#{node.anchor}"


def figures(document: Document, href=in_document) -> list[tuple[Diagram, str]]:
    """(diagram, inline svg) pairs; none when Graphviz is missing (the checks say so: no_graphviz)."""
    try:
        return list(zip(document.diagrams, diagrams.svgs(document.diagrams, href), strict=True))
    except diagrams.DiagramsUnavailable:
        return []


def fragment(document: Document) -> str:
    """The <article> holding the whole standard."""
    return _environment().get_template("document.html").render(d=document, w=wording, figures=figures(document))


def css() -> str:
    return (TEMPLATES / "document.css").read_text("utf-8")


def write_html(document: Document) -> bytes:
    """A standalone HTML file (styles inline), UTF-8."""
    page = _environment().get_template("standalone.html").render(d=document, css=css(), body=fragment(document))
    return page.encode("utf-8")
