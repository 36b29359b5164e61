"""Parameter types shared by routes and pages."""

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic alone reads a number as a Unix time (`as_of=0` would be 1970-01-01)."""
    if not isinstance(value, date) and not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
