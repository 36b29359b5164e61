"""HTTP for search: GET /search (concepts by term, pinyin, initials, English or definition text) and
GET /suggest (completions for an autocomplete box). Both answer from the warm in-process index and do
no database I/O, hence ``async def``."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, StringConstraints

from api import search_index
from api.deps import ReleaseDep
from api.problems import problems
from registry.errors import InvalidInput
from terms.models import MAX_PART, ConceptStatus, LangTag

router = APIRouter(tags=["search"])
QueryText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Q = Annotated[QueryText, Query(description="text, pinyin, initials or English; never query syntax")]
Status = Annotated[ConceptStatus | None, Query(description="default: every status but retired")]


class SearchHit(BaseModel):
    concept_id: int
    entry_number: str
    part: int
    term: str | None
    en: str | None
    matched_term: str | None
    matched_field: str
    status: str
    snippet: str


class SearchPage(BaseModel):
    total: int
    took_ms: float
    hits: list[SearchHit]


class Suggestion(BaseModel):
    text: str
    concept_id: int
    term: str | None
    matched_field: str


class SuggestPage(BaseModel):
    suggestions: list[Suggestion]


@router.get("/search", responses=problems(InvalidInput))
async def search(q: Q, part: Annotated[int | None, Query(ge=1, le=MAX_PART)] = None, status: Status = None,
                 lang: Annotated[LangTag | None, Query(description="match names in this language only")] = None,
                 limit: Annotated[int, Query(ge=1, le=100)] = 20,
                 offset: Annotated[int, Query(ge=0, le=100_000)] = 0, release: ReleaseDep = None) -> SearchPage:
    """Concepts matching `q`, best match class first (exact term, prefix, pinyin, substring, definition);
    with ?release=, the concepts as that release holds them."""
    return SearchPage.model_validate(search_index.search_concepts(
        q, part=part, status=status, lang=lang, limit=limit, offset=offset, release=release))


@router.get("/suggest", responses=problems(InvalidInput))
async def suggest(q: Annotated[QueryText, Query(description="what has been typed so far")]) -> SuggestPage:
    """The top 10 completions: Chinese prefix, pinyin prefix, initials, English prefix."""
    return SuggestPage(suggestions=search_index.suggest_terms(q))
