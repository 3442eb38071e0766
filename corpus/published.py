"""Which date an article is published on, and when a given date must not be trusted.

A date is never invented. A date the input gives is used unless it is unreadable or lies after
tomorrow (a typo such as 2099, or a scheduled post): then the article is kept undated, so it can
never rank as the newest, and the given value is stored beside it with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from corpus.normalize import date_from_text, date_from_url, parse_date

OLDEST_YEAR = 1990  # chip-trade news before this is an error in the input, not an archive


@dataclass(frozen=True)
class Published:
    date: date | None
    given: str | None = None  # the input's value, when it was not used
    problem: str | None = None  # "future" | "unreadable"
    message: str | None = None  # for the ingest report


def published_date(given: date | str | None, url: str, text: str, *, today: date) -> Published:
    """The article's date: the given one when sound, else one spelled in the URL or the dateline.

    A given date that is unreadable or in the future is reported and the article kept undated
    (the URL and text are not consulted: the input named a date, and it was wrong).
    """
    if given is not None and (not isinstance(given, str) or given.strip()):
        raw = given.isoformat() if isinstance(given, date) else given.strip()
        parsed = parse_date(given)
        if parsed is None or parsed.year < OLDEST_YEAR:
            return Published(None, raw, "unreadable", f"published {raw!r} is not a date chipbot can read; kept undated")
        if parsed > today + timedelta(days=1):
            return Published(
                None,
                raw,
                "future",
                f"published {raw!r} is after tomorrow ({today.isoformat()} today); "
                "kept undated so it never ranks as the newest",
            )
        return Published(parsed)
    found = (date_from_url(url) if "://" in url else None) or date_from_text(text)
    return Published(found if found is not None and found <= today + timedelta(days=1) else None)
