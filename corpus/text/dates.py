"""Months and relative spans: the one month table and the one relative-span parser.

``MONTHS`` maps every English month name and abbreviation to its number; ``MONTH_PATTERN`` matches
them in text. ``span_days`` turns a count and a unit ("3", "weeks"; "a", "month") into days, and
``parse_span`` reads a whole span as people type it in an option ("30d", "2 weeks", "6m", "1y").
Question phrases ("in the past 3 weeks") use ``SPAN_PATTERN`` through ``index.timeparse``.

>>> MONTHS["sept"], month_number("December")
(9, 12)
>>> parse_span("2w"), parse_span("six months"), parse_span("soon")
(14, 180, None)
"""

from __future__ import annotations

import calendar
import re

MONTH_NAMES = [name for name in calendar.month_name if name]  # "January" .. "December"
MONTH_ABBREVIATIONS = frozenset({name.lower() for name in calendar.month_abbr if name} - {"may"} | {"sept"})
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}


def month_pattern(*, capitalised: bool = False) -> str:
    """A regex group matching any month name or abbreviation with an optional dot; longest first,
    so "September" is not read as "Sep". ``capitalised``: only as written in prose ("may" is a verb)."""
    names = sorted(MONTHS, key=len, reverse=True)
    return "(?:" + "|".join(n.capitalize() if capitalised else n for n in names) + r")\.?"


MONTH_PATTERN = month_pattern()  # compile with re.IGNORECASE

UNIT_DAYS = {"d": 1, "day": 1, "w": 7, "week": 7, "m": 30, "month": 30, "y": 365, "year": 365}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "couple": 2, "few": 3,
}  # fmt: skip
MAX_SPAN_DAYS = 100 * 365  # longer spans are typos ("9999y"), not questions about the news
# A count (digits or a number word) and a unit, with or without a space: "30d", "3 weeks", "a month".
SPAN_PATTERN = r"(\d{1,6}|[a-z]+)\s*(days?|weeks?|months?|years?|[dwmy])\b"
_WHOLE_SPAN = re.compile(rf"^\s*{SPAN_PATTERN}\s*$", re.I)


def month_number(name: str) -> int | None:
    """1..12 for a month name or abbreviation ("Sept.", "march"), else None."""
    return MONTHS.get(name.lower().rstrip("."))


def span_days(count: str, unit: str) -> int | None:
    """Days in ``count`` ``unit``s ("3", "weeks" -> 21), or None when the count is not a number
    or the span is longer than ``MAX_SPAN_DAYS``."""
    number = int(count) if count.isdigit() else NUMBER_WORDS.get(count.lower())
    days = UNIT_DAYS.get(unit.lower().rstrip("s")) if len(unit) > 1 else UNIT_DAYS.get(unit.lower())
    if not number or days is None or number * days > MAX_SPAN_DAYS:
        return None
    return number * days


def parse_span(text: str) -> int | None:
    """Days in a span typed on its own ("30d", "2 weeks", "6m", "1y"), or None."""
    match = _WHOLE_SPAN.match(text)
    return span_days(match[1], match[2]) if match else None
