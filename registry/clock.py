"""One place that says what time it is: timezone-aware UTC."""

from datetime import UTC, date, datetime, timedelta, timezone


def utcnow() -> datetime:
    return datetime.now(UTC)


# Asia/Shanghai has been UTC+8 all year since 1991: a fixed offset needs no tz database on the host.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def today_shanghai() -> date:
    """Today's date in Asia/Shanghai: the calendar the committee's stages and comment periods use."""
    return datetime.now(SHANGHAI).date()
