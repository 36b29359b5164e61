"""Concept diagrams (概念体系图) drawn by Graphviz `dot` (Debian's graphviz), run as a subprocess with a
timeout: every diagram of a document goes through one `dot` run, so a standard of 2,000 entries costs one
process start, not one per section.

Tree edges (the numbering hierarchy) are solid; broader/narrower references dashed; concepts of other
sections reached by such a reference are drawn with a dashed border. Each box links to its entry.
"""

import re
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from terms.document.model import Diagram, DiagramNode

DOT_TIMEOUT = 60
PARALLEL_FROM = 20
FONT = "Noto Sans CJK SC"
PNG_END = b"IEND\xaeB`\x82"
Href = Callable[[DiagramNode], str]


class DiagramsUnavailable(RuntimeError):
    """Graphviz is not installed or failed: the document is printed without its figures."""


def available() -> bool:
    return shutil.which("dot") is not None


def svgs(diagrams: list[Diagram], href: Href) -> list[str]:
    """Each diagram as an inline <svg> element (no XML prolog), in order."""
    if not diagrams:
        return []
    out = _run("svg", diagrams, href).decode("utf-8")
    parts = [p[p.index("<svg"):].strip() for p in re.split(r"<\?xml[^>]*\?>", out) if "<svg" in p]
    if len(parts) != len(diagrams):
        raise DiagramsUnavailable(f"dot drew {len(parts)} of {len(diagrams)} diagrams")
    return parts


def pngs(diagrams: list[Diagram], href: Href, dpi: int = 150) -> list[bytes]:
    """Each diagram as a PNG (for DOCX, which python-docx cannot give an SVG)."""
    if not diagrams:
        return []
    try:  # cairo draws, gd encodes: a third of the time of cairo's own PNG encoder, palette PNGs
        out = _run("png:cairo:gd", diagrams, href, f"-Gdpi={dpi}")
    except DiagramsUnavailable:
        out = _run("png", diagrams, href, f"-Gdpi={dpi}")
    parts = [chunk + PNG_END for chunk in out.split(PNG_END) if chunk]
    if len(parts) != len(diagrams):
        raise DiagramsUnavailable(f"dot drew {len(parts)} of {len(diagrams)} diagrams")
    return parts


def dot_source(diagram: Diagram, href: Href) -> str:
    """The diagram in the DOT language."""
    lines = [f"digraph {_quote('d-' + diagram.number)} {{",
             f'  graph [rankdir=LR, nodesep=0.15, ranksep=0.35, fontname="{FONT}"];',
             f'  node [shape=box, fontname="{FONT}", fontsize=10, margin="0.08,0.04", height=0.3];',
             "  edge [arrowhead=none, color=\"#444444\"];"]
    for node in diagram.nodes:
        style = "" if node.inside else ", style=dashed"
        lines.append(f"  n{node.id} [label={_quote(node.number + ' ' + node.label)}, "
                     f"URL={_quote(href(node))}, target=\"_top\", tooltip={_quote(node.label)}{style}];")
    for a, b, kind in diagram.edges:
        style = "" if kind == "tree" else ", style=dashed, arrowhead=normal"
        lines.append(f"  n{a} -> n{b} [class={_quote(kind)}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _run(fmt: str, diagrams: list[Diagram], href: Href, *options: str) -> bytes:
    """The diagrams drawn by `dot`, in order; many diagrams are split between two `dot` processes (the
    machine's two cores), the outputs concatenated in the same order."""
    dot = shutil.which("dot")
    if dot is None:
        raise DiagramsUnavailable("Graphviz 'dot' is not installed (Debian package graphviz)")
    if len(diagrams) < PARALLEL_FROM:
        return _dot(dot, fmt, diagrams, href, options)
    half = (len(diagrams) + 1) // 2
    with ThreadPoolExecutor(2) as pool:
        parts = pool.map(lambda chunk: _dot(dot, fmt, chunk, href, options), (diagrams[:half], diagrams[half:]))
        return b"".join(parts)


def _dot(dot: str, fmt: str, diagrams: list[Diagram], href: Href, options: tuple[str, ...]) -> bytes:
    source = "".join(dot_source(d, href) for d in diagrams)
    try:
        # Fixed argument list, no shell; the DOT text arrives on stdin with every label quoted by _quote.
        done = subprocess.run([dot, f"-T{fmt}", *options], input=source.encode("utf-8"),  # noqa: S603
                              capture_output=True, timeout=DOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise DiagramsUnavailable(f"dot took longer than {DOT_TIMEOUT} s") from exc
    if done.returncode != 0:
        raise DiagramsUnavailable(f"dot failed: {done.stderr.decode('utf-8', 'replace')[:300]}")
    return done.stdout


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
