"""Find the entries of a release by 条目编号: one at a time for a form, all at once for an upload."""

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from registry.errors import InvalidInput
from registry.releases import service as releases
from registry.releases.models import Release
from terms.models import ConceptRevision
from terms.rules import sort_key
from terms.versioned import CONCEPTS

GIVEN = re.compile(r"(\d{1,3}/)?\d{1,3}(\.\d{1,3}){0,4}")


@dataclass(frozen=True, slots=True)
class Entry:
    concept_id: int
    part: int
    entry_number: str
    revision: int
    sort_key: str


def split(given: str) -> tuple[int | None, str]:
    """'3/3.1.2' → (3, '3.1.2'); '3.1.2' → (None, '3.1.2')."""
    part, _, number = given.rpartition("/")
    return (int(part) if part else None), number


def entries_of(session: Session, release: Release, numbers: list[str] | None = None) -> dict[str, list[Entry]]:
    """The entries `release` shows, by 条目编号 (several when parts repeat a number); only `numbers` if given."""
    rev = ConceptRevision
    query = select(rev.entity_id, rev.scope, rev.key, rev.rev).where(*releases.visible_filter(release, CONCEPTS))
    if numbers is not None:
        query = query.where(col(rev.key).in_(sorted({sort_key(n) for n in numbers})))
    found: dict[str, list[Entry]] = {}
    for concept_id, scope, key, revision in session.exec(query):
        number = ".".join(str(int(n)) for n in key.split("."))
        found.setdefault(number, []).append(Entry(concept_id, int(scope), number, revision, key))
    return found


def pick(found: dict[str, list[Entry]], given: str, release: Release) -> Entry:
    """The one entry `given` names (条目编号, or part/条目编号); raise InvalidInput when none or several."""
    if not GIVEN.fullmatch(given):
        raise InvalidInput(f"'{given[:40]}' is not an entry number (条目编号 such as 3.1.2, or 3/3.1.2)",
                           errors=[{"pointer": "/entry_number", "detail": given[:40]}])
    part, number = split(given)
    matches = [e for e in found.get(number, []) if part is None or e.part == part]
    if not matches:
        raise InvalidInput(f"release '{release.name}' has no entry {given}",
                           errors=[{"pointer": "/entry_number", "detail": given}])
    if len(matches) > 1:
        parts = ", ".join(f"{e.part}/{number}" for e in matches)
        raise InvalidInput(f"entry {given} is in several parts of release '{release.name}'; write one of {parts}",
                           errors=[{"pointer": "/entry_number", "detail": given}])
    return matches[0]


def find_entry(session: Session, release: Release, given: str) -> Entry:
    """The entry of `release` numbered `given`; raise InvalidInput when absent or ambiguous."""
    return pick(entries_of(session, release, [split(given)[1]]), given, release)
