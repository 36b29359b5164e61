"""Checking a text against the term base: the entry point for the API, the pages and the CLI."""

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from registry.errors import InvalidInput
from registry.releases import service as releases
from registry.standards import service as standards
from terms import standards as term_standards
from terms.checking.findings import Collector, Ignore
from terms.checking.matcher import TermBase
from terms.checking.models import CheckOptions
from terms.checking.normalise import normalise
from terms.checking.store import store_for
from terms.service import list_parts


def check_text(engine: Engine, text: str, options: CheckOptions) -> dict[str, Any]:
    """{"findings": [...], "summary": {...}} of `text`; raise InvalidInput (empty text, unknown part),
    NotFound (unknown release or standard) or Unavailable (term base not built in time)."""
    if not text.strip():
        raise InvalidInput("the text to check is empty", errors=[{"pointer": "/text", "detail": "empty"}])
    base, parts = _term_base(engine, options)
    norm = normalise(text)
    collector = Collector(base, text, norm, parts=parts, ignore=Ignore.of([i.model_dump() for i in options.ignore]))
    for start, end, form in base.scan(norm.text, _acceptor(base, parts)):
        collector.add(start, end, form)
    return collector.answer()


def _term_base(engine: Engine, options: CheckOptions) -> tuple[TermBase, set[int] | None]:
    """The term base asked for and the parts allowed (None: all); reads the database only when the options
    name a release, parts or standards."""
    store = store_for(engine)
    filtered = options.parts or options.standards or options.exclude_parts or options.exclude_standards
    if options.release is None and not filtered:
        return store.live(), None
    with Session(engine) as session:
        release = releases.resolve(session, options.release) if options.release else None
        parts = allowed_parts(session, options) if filtered else None
    return (store.release(release) if release else store.live()), parts


def allowed_parts(session: Session, options: CheckOptions) -> set[int]:
    """The part numbers the options leave in: the parts and standards named (all when none), minus those
    excluded. Raise InvalidInput for an unknown part, NotFound for an unknown standard."""
    known = {part.number for part in list_parts(session)}
    for pointer, numbers in (("/parts", options.parts or []), ("/exclude_parts", options.exclude_parts)):
        unknown = sorted(set(numbers) - known)
        if unknown:
            raise InvalidInput(f"unknown part {unknown[0]} (see /api/v1/parts)",
                               errors=[{"pointer": pointer, "detail": f"unknown part {n}"} for n in unknown])
    included = set(options.parts or []) | _parts_of(session, options.standards or [])
    excluded = set(options.exclude_parts) | _parts_of(session, options.exclude_standards)
    return (included or known) - excluded


def _parts_of(session: Session, keys: list[str]) -> set[int]:
    found: set[int] = set()
    for key in keys:
        standard = standards.get_standard(session, key)
        found |= {part.number for part in term_standards.parts_of(session, standard.id)}
    return found


def _acceptor(base: TermBase, parts: set[int] | None):
    """A form is matched when one of its concepts is in an allowed part (None: every form)."""
    if parts is None:
        return None
    memo: dict[int, bool] = {}

    def accept(form: int) -> bool:
        found = memo.get(form)
        if found is None:
            found = memo[form] = bool(base.form_parts(form) & parts)
        return found
    return accept
