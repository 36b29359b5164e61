"""Run Typst in a process of its own: `python -m terms.document.typst_process TIMESTAMP FONT_DIR...` reads
the document's JSON on stdin and writes the PDF on stdout.

Why a process: Typst keeps its layout caches for the life of the process (a 2,000-entry standard leaves
~300 MB behind in a serving worker), and a separate process can be given a timeout. Imports only typst.
"""

import sys
from pathlib import Path

import typst

TEMPLATE = Path(__file__).resolve().parent / "templates" / "standard.typ"


def main(argv: list[str]) -> int:
    timestamp, fonts = int(argv[0]), argv[1:]
    data = sys.stdin.buffer.read().decode("utf-8")
    try:
        pdf = typst.compile(str(TEMPLATE), root=str(TEMPLATE.parent), font_paths=fonts, ignore_system_fonts=True,
                            sys_inputs={"data": data}, timestamp=timestamp, format="pdf")
    except Exception as exc:  # typst reports template and data errors as exceptions: say them and fail
        sys.stderr.write(f"typst: {exc}\n")
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
