"""Term checking: find the term base's terms — standard, admitted, deprecated, superseded — in a document.

`normalise` folds a text once (with a map back to the original offsets), `matcher` holds one automaton per
term-base state, `findings` turns matches into findings, `store` keeps the automatons current in each
process, `service` is the entry point.
"""
