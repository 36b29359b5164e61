"""Typo tolerance: every string one edit (delete, transpose, replace, insert a letter) from a word.

whoosh's own `terms_within` builds a Levenshtein automaton in Python per query (~1 ms each); instead we
spell out the ~50 × length variants and intersect them with the field's vocabulary held in memory.

>>> sorted(one_edit("ab") & {"a", "b", "ba", "abc", "xb", "ab"})
['a', 'abc', 'b', 'ba', 'xb']
"""

from string import ascii_lowercase


def one_edit(word: str) -> set[str]:
    """All strings one Damerau-Levenshtein edit away from `word` (lowercase letters)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    found.update(a + c + b[1:] for a, b in splits if b for c in ascii_lowercase)
    found.update(a + c + b for a, b in splits for c in ascii_lowercase)
    found.discard(word)
    return found
