"""The home and search pages: the query, facets (part, status) and highlighted result snippets."""

from typing import Any

from sqlmodel import Session

from api.pages import features
from registry.errors import NotFound
from terms import service
from terms.models import MAX_PART, ConceptStatus

PAGE_SIZE = 20


def part_number(raw: str) -> int:
    """A part number from a URL (any standard's part: the part page says whether it exists)."""
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PART:
        raise NotFound(f"part '{raw[:20]}' does not exist")
    return int(raw)


def home(session: Session) -> dict[str, Any]:
    return {"parts": service.list_parts(session), "statuses": list(ConceptStatus), "q": "", "part": "",
            "status": "", "search_ready": features.search_ready()}


def results(session: Session, *, q: str, part: str, status: str, page: int) -> dict[str, Any]:
    """The search page: a page of hits under the part and status filters (`hits=None`: no search)."""
    context = home(session)
    known = {str(p.number) for p in context["parts"]}
    context = {**context, "q": q.strip(), "part": part if part in known else "",
               "status": status if status in set(ConceptStatus) else "", "page": page, "hits": None}
    if context["q"] and context["search_ready"]:
        context.update(features.search(context["q"], part=context["part"], status=context["status"],
                                       page=page, size=PAGE_SIZE))
    return context
