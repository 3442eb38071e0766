"""Timeline data against a hand count, the summary in words, and the PNG it draws."""

from __future__ import annotations

import io
from datetime import date

import numpy as np

from bot.service.chart import HEIGHT_PX, WIDTH_PX, render_png
from bot.service.timeline import OTHER, TimelineItem, Timelines, describe, key_stories, weekly_counts
from tests.bot.fakes import FakeIndex, make_article

D = date.fromisoformat


def item(n: int, source: str, day: str, score: float = 0.6) -> TimelineItem:
    return TimelineItem(f"a{n}", f"Story {n}", source, D(day), score)


# Seven outlets over three weeks (Mon 2025-03-03, 03-10, 03-17); 03-12 week is empty of "b".
ITEMS = [
    item(1, "a.example", "2025-03-03"),
    item(2, "a.example", "2025-03-05"),
    item(3, "b.example", "2025-03-09"),  # a Sunday: still the week of 03-03
    item(4, "a.example", "2025-03-10"),
    item(5, "c.example", "2025-03-11"),
    item(6, "d.example", "2025-03-17"),
    item(7, "e.example", "2025-03-18"),
    item(8, "f.example", "2025-03-19", score=0.95),
    item(9, "g.example", "2025-03-23"),
    item(10, "b.example", "2025-03-24"),
]


def test_weekly_counts_match_a_hand_count() -> None:
    counts = weekly_counts(ITEMS, top=5)
    assert counts.weeks == [D("2025-03-03"), D("2025-03-10"), D("2025-03-17"), D("2025-03-24")]
    # a: 3, b: 2, then one each (c, d, e, f, g): top five are a, b, c, d, e (ties by name); f, g are other
    assert counts.outlets == ["a.example", "b.example", "c.example", "d.example", "e.example", OTHER]
    assert counts.counts == {
        "a.example": [2, 1, 0, 0],
        "b.example": [1, 0, 0, 1],
        "c.example": [0, 1, 0, 0],
        "d.example": [0, 0, 1, 0],
        "e.example": [0, 0, 1, 0],
        OTHER: [0, 0, 2, 0],
    }
    assert counts.totals() == [3, 2, 4, 1]
    assert weekly_counts(ITEMS[:2]).outlets == ["a.example"]


def test_key_stories_are_the_best_of_each_week_oldest_first() -> None:
    keys = key_stories(ITEMS, n=2)
    assert [k.article_id for k in keys] == ["a1", "a8"]  # a8 is the best; then the earliest of the 0.6 ties


def test_summary_names_counts_first_latest_and_biggest_weeks() -> None:
    text = describe("chips", ITEMS, weekly_counts(ITEMS), undated=2)
    assert text.startswith("10 articles on “chips” from 7 outlets over 4 weeks.")
    assert "First: 2025-03-03, a.example: Story 1." in text and "Latest: 2025-03-24, b.example: Story 10." in text
    assert "Biggest weeks: week of 2025-03-17 (4), week of 2025-03-03 (3), week of 2025-03-10 (2)." in text
    assert "2 undated articles are not drawn." in text
    assert describe("chips", [], weekly_counts([]), 0) == "No dated articles on “chips” clear the relevance floor."


class ByTitle:
    def scores(self, topic, articles):
        return [0.9 if "gallium" in (a.title or "").lower() else 0.1 for a in articles]


def timeline_of_fake_index(since=None):
    articles = [
        make_article(
            f"g{i}",
            "China gallium export licences.",
            title=f"Gallium curbs {i}",
            source=f"s{i % 3}.example",
            published=date(2024, 1, 1 + 7 * i),
        )
        for i in range(4)
    ]
    articles.append(make_article("off", "China gallium prices rose.", title="Markets", published=date(2024, 1, 2)))
    articles.append(make_article("nodate", "gallium export licences", title="Gallium undated"))
    return Timelines(FakeIndex(articles), ByTitle(), floor=0.5).build("gallium exports", since)


def test_the_floor_keeps_off_topic_articles_out_and_since_cuts_the_start() -> None:
    timeline = timeline_of_fake_index()
    assert [i.article_id for i in timeline.items] == ["g0", "g1", "g2", "g3"] and timeline.undated == 1
    assert timeline.counts.totals() == [1, 1, 1, 1]
    later = timeline_of_fake_index(since=date(2024, 1, 10))
    assert [i.article_id for i in later.items] == ["g2", "g3"]


class NewestIndex(FakeIndex):
    """The fake index with ``Index.latest``: the newest dated articles, of its search hits for a topic."""

    def latest(self, n, topic=None):
        found = [h.article for h in self.search(topic, k=50).hits] if topic else self.articles()
        return sorted((a for a in found if a.published), key=lambda a: a.published, reverse=True)[:n]


def test_latest_on_a_topic_lists_the_newest_articles_the_follow_judgement_keeps() -> None:
    articles = [
        make_article(
            f"g{i}", "China gallium export licences.", title=f"Gallium curbs {i}", published=date(2024, 1, 1 + 7 * i)
        )
        for i in range(3)
    ]
    articles.append(
        make_article("off", "China gallium export prices rose.", title="Markets", published=date(2024, 3, 1))
    )
    timelines = Timelines(NewestIndex(articles), ByTitle(), floor=0.5)
    assert [a.id for a in timelines.latest(2, "gallium exports")] == ["g2", "g1"]  # the newer "off" is off topic
    assert timelines.latest(2, "football transfers") == []  # the index finds nothing about it
    assert [a.id for a in timelines.latest(2)] == ["off", "g2"]  # no topic: the index's newest


def test_the_png_is_valid_of_the_expected_size_and_not_blank() -> None:
    from PIL import Image

    data = render_png(timeline_of_fake_index())
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (WIDTH_PX, HEIGHT_PX)
    pixels = np.asarray(image)
    colours = len(np.unique(pixels.reshape(-1, 3), axis=0))
    assert colours > 20 and (pixels < 250).any(axis=2).mean() > 0.01  # bars, text and axes drawn
    empty = render_png(Timelines(FakeIndex([]), ByTitle(), 0.5).build("nothing"))
    assert Image.open(io.BytesIO(empty)).size == (WIDTH_PX, HEIGHT_PX)
