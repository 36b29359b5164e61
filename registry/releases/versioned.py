"""What a domain tells the release machinery about one of its versioned tables."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from registry.releases.revisions import RevisionBase

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class VersionedTable:
    """A domain's revision table and its release rules.

    kind: the name used in counts and diffs ("concept", "code"); scope_key: the release scope list that
    selects this table's scopes ("parts" or "schemes"); visible: which revision statuses a release at a
    given stage shows; describe: field-level changes between two snapshots; label: a human label;
    of_standard: the scopes (parts) of a term standard, by its id.
    """

    kind: str
    revision: type[RevisionBase]
    scope_key: str
    all_scopes: Callable[[Any], list[str]]
    visible: Callable[[str], frozenset[str] | None]
    describe: Callable[[Snapshot, Snapshot], list[dict[str, Any]]]
    label: Callable[[Snapshot], str]
    # the scopes a standard's release holds by default (and at most); None: the table holds no standard's
    of_standard: Callable[[Any, int], list[str]] | None = None
