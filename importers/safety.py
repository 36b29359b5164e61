"""Safety of files going out: spreadsheet cells that would run as formulas are neutralised."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would read as a formula (CSV/XLSX injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
