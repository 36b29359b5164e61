"""What the term-check page shows: the form, and the checked text cut into plain and marked pieces, with the
findings grouped by level and concept for the side list. Marks are rendered on the server (no script)."""

from collections import Counter
from typing import Any

from starlette.requests import Request

from api.check_request import CheckJob, read_check, run_check
from api.pages.signin import check_csrf
from registry.errors import RegistryError
from terms.checking.messages import say

LEVEL_ORDER = ("error", "info", "recognised", "consistency")
ICONS = {"error": "✖", "info": "ℹ", "recognised": "✔", "consistency": "⚠"}


async def check_page(request: Request) -> tuple[dict[str, Any], int]:
    """The page's context after a post, and its status (the error's when the input is refused)."""
    form = await request.form()
    check_csrf(request, form)
    try:
        job = await read_check(request)
        answer = await run_check(job)
    except RegistryError as error:
        return form_context(text=str(form.get("text") or ""), error=error), error.status
    return result_context(job, answer), 200


def form_context(*, text: str = "", error: RegistryError | None = None) -> dict[str, Any]:
    options = dict.fromkeys(("release", "parts", "standards", "exclude_parts", "exclude_standards"), "")
    return {"text": text, "error": error, "answer": None, "icons": ICONS, "levels": LEVEL_ORDER, "options": options}


def result_context(job: CheckJob, answer: dict[str, Any]) -> dict[str, Any]:
    terms = [f for f in answer["findings"] if f["kind"] == "term"]
    options = job.options
    return {**form_context(text=job.text), "answer": answer, "summary": answer["summary"],
            "pieces": pieces(job.text, terms), "groups": groups(answer["findings"]),
            "options": {"release": options.release or "", "parts": _joined(options.parts),
                        "standards": _joined(options.standards), "exclude_parts": _joined(options.exclude_parts),
                        "exclude_standards": _joined(options.exclude_standards)},
            "ignored": [f"concept:{i.concept_id}" if i.concept_id else f"form:{i.form}" for i in options.ignore],
            "document": job.document}


def _joined(values: list | None) -> str:
    return ",".join(str(v) for v in values or [])


def pieces(text: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text as consecutive pieces: {"text"} or {"text", "finding", "n", "note"} for a marked term."""
    out, at = [], 0
    for n, finding in enumerate(sorted(findings, key=lambda f: f["start"])):
        if finding["start"] < at:
            continue
        if finding["start"] > at:
            out.append({"text": text[at:finding["start"]], "finding": None})
        out.append({"text": text[finding["start"]:finding["end"]], "finding": finding, "n": n})
        at = finding["end"]
    if at < len(text):
        out.append({"text": text[at:], "finding": None})
    return out


def groups(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings grouped by level (errors first), then by concept: forms used, counts, the words to say."""
    by_level: dict[str, dict[int, dict[str, Any]]] = {level: {} for level in LEVEL_ORDER}
    for finding in findings:
        concepts = by_level[finding["level"]]
        entry = concepts.get(finding["concept_id"])
        if entry is None:
            entry = concepts[finding["concept_id"]] = {"finding": finding, "forms": Counter(), "count": 0,
                                                       "say_zh": say(finding), "say_en": say(finding, lang="en")}
        if finding["kind"] == "term":
            entry["forms"][finding["form"]] += 1
            entry["count"] += 1
    return [{"level": level, "concepts": list(by_level[level].values())} for level in LEVEL_ORDER
            if by_level[level]]
