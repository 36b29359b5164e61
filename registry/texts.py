"""Text every store accepts: the NUL character (U+0000) is refused everywhere, with its location.

PostgreSQL cannot store NUL in a text column (psycopg raises DataError) while SQLite keeps it, and the
export formats disagree about it (CSV keeps it, XML cannot hold it); refusing it at the edges — request
parameters and bodies (api.nul_guard), every row of an import file (the importers) — makes both databases
answer the same 422 naming the field or the file line.
"""

from collections.abc import Iterator
from typing import Any

NUL = "\x00"


def nul_paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The locations (key and index path) of every string in `value` holding NUL, dict keys included.

    >>> list(nul_paths({"terms": [{"text": "a\\x00"}, {"text": "b"}], "k\\x00": 1}))
    [('terms', '0', 'text'), ('k\\x00',)]
    """
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                yield (*path, key)
            else:
                yield from nul_paths(item, (*path, str(key)))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from nul_paths(item, (*path, str(index)))


def has_nul(value: Any) -> bool:
    return next(nul_paths(value), None) is not None


def nul_detail(where: str) -> str:
    return f"{where} contains the NUL character (U+0000), which text may not hold; remove it"


def printable(path: tuple[str, ...]) -> str:
    """A location for a message: NUL shown as \\0 so that the message itself stays storable."""
    return "/".join(part.replace(NUL, "\\0") for part in path)


def without_nul(value: Any) -> Any:
    """`value` with NUL removed from every string in it (what remains of a row already refused)."""
    if isinstance(value, str):
        return value.replace(NUL, "")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(without_nul(v) for v in value)
    return value
