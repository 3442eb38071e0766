"""A topic's coverage over time: which articles, counted per week and outlet, and the key stories.

The articles are the ones the index's hybrid search finds for the topic that clear the same
relevance floor as follows, so an off-topic spike cannot appear. Counting is pure
(``weekly_counts``, ``key_stories``, ``describe``) and separate from drawing (``bot.service.chart``).
Undated articles cannot be placed on a time axis: they are counted in the summary, not drawn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from bot.answering.relevance import Relevance
from corpus.types import Article
from index.fusion import newest_dated
from index.types import SearchResult

CANDIDATES = 300  # articles the search hands to the relevance judgement
TOP_OUTLETS = 5  # outlets drawn on their own; the rest stack as "other"
OTHER = "other"
KEY_STORIES = 5
SHORT_TITLE = 48


class TimelineSearch(Protocol):
    def search(self, query: str, *, k: int = 5, since: date | None = None) -> SearchResult: ...

    def latest(self, n: int, topic: str | None = None) -> Sequence[Article]: ...


@dataclass(frozen=True)
class TimelineItem:
    article_id: str
    title: str
    source: str
    published: date
    score: float


@dataclass(frozen=True)
class WeeklyCounts:
    weeks: list[date]  # Mondays, every week from the first story's to the last's
    outlets: list[str]  # the top outlets by count, then "other" when there are more
    counts: dict[str, list[int]]  # per outlet, one count per week

    def totals(self) -> list[int]:
        return [sum(column) for column in zip(*self.counts.values())] if self.counts else []


@dataclass(frozen=True)
class Timeline:
    topic: str
    since: date | None
    items: list[TimelineItem]  # oldest first
    undated: int  # relevant articles without a date (not drawn)
    counts: WeeklyCounts
    key: list[TimelineItem]  # marked on the chart, oldest first
    summary: str  # the same facts in words, for screen readers


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_counts(items: Sequence[TimelineItem], top: int = TOP_OUTLETS) -> WeeklyCounts:
    """Articles per week per outlet: the ``top`` outlets with most articles (ties by name), the
    rest summed as "other"; weeks without articles are zeros, so the axis is even."""
    if not items:
        return WeeklyCounts([], [], {})
    by_outlet = Counter(item.source for item in items)
    ranked = sorted(by_outlet, key=lambda s: (-by_outlet[s], s))
    outlets = ranked[:top] + ([OTHER] if len(ranked) > top else [])
    first, last = week_of(min(i.published for i in items)), week_of(max(i.published for i in items))
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    position = {week: n for n, week in enumerate(weeks)}
    counts = {outlet: [0] * len(weeks) for outlet in outlets}
    for item in items:
        outlet = item.source if item.source in counts and item.source != OTHER else OTHER
        counts[outlet][position[week_of(item.published)]] += 1
    return WeeklyCounts(weeks, outlets, counts)


def key_stories(items: Sequence[TimelineItem], n: int = KEY_STORIES) -> list[TimelineItem]:
    """The most relevant story of each week, the ``n`` best of those, oldest first."""
    best: dict[date, TimelineItem] = {}
    for item in items:
        week = week_of(item.published)
        if week not in best or item.score > best[week].score:
            best[week] = item
    chosen = sorted(best.values(), key=lambda i: (-i.score, i.published))[:n]
    return sorted(chosen, key=lambda i: i.published)


def short_title(title: str, limit: int = SHORT_TITLE) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def describe(topic: str, items: Sequence[TimelineItem], counts: WeeklyCounts, undated: int) -> str:
    """Counts, first and latest story and the three biggest weeks, as plain sentences."""
    if not items:
        text = f"No dated articles on “{topic}” clear the relevance floor."
        return text + (f" {undated} undated ones do." if undated else "")
    outlets = len({i.source for i in items})
    lines = [f"{len(items)} articles on “{topic}” from {outlets} outlets over {len(counts.weeks)} weeks."]
    first, latest = items[0], items[-1]
    lines.append(f"First: {first.published.isoformat()}, {first.source}: {short_title(first.title, 90)}.")
    lines.append(f"Latest: {latest.published.isoformat()}, {latest.source}: {short_title(latest.title, 90)}.")
    totals = counts.totals()
    biggest = sorted(range(len(totals)), key=lambda n: (-totals[n], counts.weeks[n]))[:3]
    weeks = [f"week of {counts.weeks[n].isoformat()} ({totals[n]})" for n in biggest if totals[n]]
    lines.append("Biggest weeks: " + ", ".join(weeks) + ".")
    if undated:
        lines.append(f"{undated} undated articles are not drawn.")
    return "\n".join(lines)


class Timelines:
    """Builds a topic's timeline from the index (blocking: run it in a worker thread)."""

    def __init__(self, search: TimelineSearch, relevance: Relevance, floor: float, candidates: int = CANDIDATES):
        self.search = search
        self.relevance = relevance
        self.floor = floor
        self.candidates = candidates

    def relevant(self, topic: str, since: date | None = None) -> list[tuple[Article, float]]:
        articles = [hit.article for hit in self.search.search(topic, k=self.candidates, since=since).hits]
        scores = self.relevance.scores(topic, articles)
        return [(a, s) for a, s in zip(articles, scores) if s >= self.floor]

    def latest(self, n: int, topic: str | None = None) -> list[Article]:
        """The ``n`` newest dated articles about ``topic`` as follows judge it (``relevant``), for
        ``/latest``; the index's newest without a topic. None at all when the index's own floor finds
        nothing about the topic (``Index.latest``): it leaves more subjects the corpus does not cover
        empty, while this judgement picks the stories of a covered one better (bench/latest_topics.py)."""
        found = list(self.search.latest(n, topic))
        if topic is None or not found:
            return found
        return newest_dated(a for a, _ in self.relevant(topic))[:n]

    def build(self, topic: str, since: date | None = None) -> Timeline:
        topic = " ".join(topic.split())
        found = self.relevant(topic, since)
        items = sorted(
            (
                TimelineItem(a.id, (a.title or "").strip() or a.source, a.source, a.published, s)
                for a, s in found
                if a.published is not None and (since is None or a.published >= since)
            ),
            key=lambda i: (i.published, i.article_id),
        )
        undated = sum(1 for a, _ in found if a.published is None)
        counts = weekly_counts(items)
        return Timeline(
            topic, since, items, undated, counts, key_stories(items), describe(topic, items, counts, undated)
        )
