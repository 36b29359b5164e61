"""Term standards as data: a code, titles, a working group, a stage with its dated history (issue 13)."""
