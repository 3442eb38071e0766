"""Recency and date phrases in a question, understood in code (pure; ``today`` is passed in).

Two kinds of intent:
- a hard window on the publication date, for phrases that ask about a recent period of *news*
  ("this week", "last month", "in the past 10 days", "since October 2025"): articles outside
  it, and undated ones, are filtered out;
- a soft preference: "latest"/"recent" boost newer dated articles, and an event period
  ("in 2024", "in March 2025", "as of January 2026", "last year") favours articles published around it
  without dropping the others, since a question's dates usually name the event, not the page.
An undated article is never treated as new.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from corpus.text.dates import MONTH_PATTERN, SPAN_PATTERN, UNIT_DAYS, month_number, span_days

_MONTH = f"({MONTH_PATTERN})"
_YEAR = r"((?:19|20)\d\d)"


_RECENT_WORDS = r"latest|most recent|recent(?:ly)?|newest|lately"
_RECENT = re.compile(rf"\b({_RECENT_WORDS})\b")
# Words that only say "news, and new": once understood as a recency intent they are not the topic.
_NEWS_WORDS = re.compile(rf"\b(?:{_RECENT_WORDS}|news|updates?|headlines?)\b", re.I)

PUBLISHED_AFTER_EVENT = 45  # news about a period is mostly published during it or in the weeks after
_MAX_HARD_DAYS = 92  # relative windows up to a quarter filter; longer ones only prefer


@dataclass(frozen=True)
class TimeIntent:
    since: date | None = None  # hard window on the publication date
    until: date | None = None
    prefer_recent: bool = False  # boost newer dated articles
    around: tuple[date, date] | None = None  # soft preference for a publication period
    phrase: str | None = None  # the words understood, for display

    @property
    def empty(self) -> bool:
        return self == TimeIntent()

    @property
    def period(self) -> tuple[date, date] | None:
        """The publication period the question names, soft or hard (None when it names none)."""
        if self.around:
            return self.around
        return (self.since, self.until or self.since) if self.since else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(month: str | None, year: str) -> tuple[date, date]:
    y = int(year)
    if month:
        m = month_number(month) or 1
        return date(y, m, 1), _month_end(y, m)
    return date(y, 1, 1), date(y, 12, 31)


def _relative(text: str, today: date) -> tuple[date, date, str] | None:
    if (m := re.search(rf"\b(?:(?:in|over|during|within)\s+)?(?:the\s+)?(?:past|last)\s+{SPAN_PATTERN}", text)) and (
        days := span_days(m[1], m[2])
    ):
        return today - timedelta(days=days), today, m[0].strip()
    if m := re.search(r"\b(?:(?:in|over|during)\s+the\s+)?(?:past|last)\s+(day|week|month|year)\b", text):
        if not m[0].startswith("last") or m[1] in ("day", "week"):
            return today - timedelta(days=UNIT_DAYS[m[1]]), today, m[0].strip()
        if m[1] == "month":  # "last month": the previous calendar month
            last = today.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last, m[0]
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), m[0]
    if m := re.search(r"\bthis\s+(week|month|year)\b", text):
        start = {
            "week": today - timedelta(days=today.weekday()),
            "month": today.replace(day=1),
            "year": today.replace(month=1, day=1),
        }[m[1]]
        return start, today, m[0]
    if m := re.search(r"\b(today|yesterday)\b", text):
        return today - timedelta(days=1 if m[1] == "yesterday" else 0), today, m[0]
    return None


_EVENT = re.compile(
    rf"\b(?:(as of|in|during|from|since|by)\s+(?:the\s+)?(?:(?:early|mid|late)[- ])?)?"
    rf"(?:{_MONTH}\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?)?{_YEAR}\b"
)


def _event_periods(text: str, today: date) -> list[tuple[date, date, str]]:
    """Periods the question names ("October 2023", "December 2, 2024", "in 2019", "as of May 2025"),
    widened to when news about them is published: from the period's start to
    ``PUBLISHED_AFTER_EVENT`` days after its end (as of: the quarter before, up to its end)."""
    periods = []
    for m in _EVENT.finditer(text):
        lead, month, year = m[1], m[2], m[3]
        if not month and not lead:
            continue  # a bare year ("the 2022 case", "fiscal 2026") is too loose to prefer
        start, end = _period(month, year)
        if lead == "as of":
            periods.append((start - timedelta(days=90), end, m[0].strip()))
        elif lead == "since":
            periods.append((start, max(end, today), m[0].strip()))
        else:
            periods.append((start, end + timedelta(days=PUBLISHED_AFTER_EVENT), m[0].strip()))
    return periods


def parse_time(question: str, today: date) -> TimeIntent:
    text = question.lower()
    if window := _relative(text, today):
        since, until, phrase = window
        if until - since <= timedelta(days=_MAX_HARD_DAYS):
            return TimeIntent(since=since, until=until, phrase=phrase)
        return TimeIntent(around=(since, until), phrase=phrase)  # "last year": often the event's year
    if m := re.search(rf"\bsince\s+{_MONTH}\s+{_YEAR}\b", text):  # "since 2021" only prefers (below)
        return TimeIntent(since=_period(m[1], m[2])[0], phrase=m[0])
    recent = _RECENT.search(text)
    mentions = _event_periods(text, today)
    around = (min(m[0] for m in mentions), max(m[1] for m in mentions)) if mentions else None
    phrases = ([recent[0]] if recent else []) + [m[2] for m in mentions]
    if not recent and around is None:
        return TimeIntent()
    return TimeIntent(prefer_recent=bool(recent), around=around, phrase=", ".join(phrases))


def topic_of(question: str, intent: TimeIntent) -> str:
    """The question without the words that only express its time intent, for retrieval: "latest
    news on Huawei Ascend" searches for "on Huawei Ascend" (so pages that merely say "latest" or
    "news" do not rank), and a hard window's phrase ("in the past 3 weeks") is dropped. Named
    event periods stay, since their years and months appear in the articles."""
    topic = question
    if intent.since is not None and intent.phrase:
        topic = re.sub(re.escape(intent.phrase), " ", topic, flags=re.IGNORECASE)
    if intent.prefer_recent or intent.since is not None:
        topic = _NEWS_WORDS.sub(" ", topic)
    topic = " ".join(topic.split())
    return topic if re.search(r"\w", topic) else question
