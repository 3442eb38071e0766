"""Timeline render time at 10,000 articles, and the cost of follow matching per refresh per 100 follows.

    .venv/bin/python bench/follow_cost.py [--data-dir DIR]

Render: 10,000 synthetic relevant articles (random days over three years, 40 outlets with Zipf-like
shares) -> weekly counts, key stories, PNG. The first draw also pays matplotlib's import and font
cache; it is reported apart. The baseline in the same run draws the same counts the way the chart
did before, one bar per outlet and week (~950 rectangles), without the labels.

Timeline build: search + relevance floor over the shared-corpus index for a few labelled topics
(a topic's first build also finds and scores its reference articles).

Matching: 100 follows (the 43 labelled topics and variants) over the shared-corpus index, one
refresh bringing 10 new articles (TopicRelevance, the shipped models). "setup" is what a new
generation costs answers as well (the term weights) and the embedding model's first call; "cold"
is the first round after a new generation (every topic embedded in one batch, searched, its
reference read and scored), "warm" a later round of the same generation (only new articles read).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from pathlib import Path

from common import table
from topic_relevance import TOPICS, open_shared_index

from bot.answering.answerer import Answerer
from bot.answering.relevance import TopicRelevance
from bot.answering.topic_eval import load_topics
from bot.service.chart import render_png
from bot.service.following.matching import FollowMatcher
from bot.service.following.types import Follow
from bot.service.timeline import Timeline, TimelineItem, Timelines, describe, key_stories, weekly_counts


def synthetic_items(n: int, seed: int = 3) -> list[TimelineItem]:
    rng = random.Random(seed)
    outlets = [f"outlet{i}.example" for i in range(40)]
    weights = [1 / (i + 1) for i in range(40)]
    start = date(2023, 1, 1)
    return sorted(
        (
            TimelineItem(
                f"a{i}",
                f"Synthetic story number {i} about chips",
                rng.choices(outlets, weights)[0],
                start + timedelta(days=rng.randrange(3 * 365)),
                rng.random(),
            )
            for i in range(n)
        ),
        key=lambda item: (item.published, item.article_id),
    )


def bars_baseline(timeline: Timeline) -> bytes:
    """The same counts drawn as before: one bar per outlet and week (no labels), for comparison."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = [float(v) for v in date2num(timeline.counts.weeks)]
    bottom = [0] * len(x)
    for outlet in timeline.counts.outlets:
        values = timeline.counts.counts[outlet]
        axes.bar(x, values, width=6, bottom=bottom, label=outlet, align="edge")
        bottom = [b + v for b, v in zip(bottom, values)]
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def render_rows(n: int = 10_000, repeats: int = 5) -> list[list[object]]:
    items = synthetic_items(n)
    rows = []
    for draw, name in ((render_png, "stacked steps"), (bars_baseline, "bars (baseline)")):
        for attempt in range(repeats + 1):
            started = time.perf_counter()
            counts = weekly_counts(items)
            key = key_stories(items)
            timeline = Timeline("chips", None, items, 0, counts, key, describe("chips", items, counts, 0))
            counted = time.perf_counter()
            png = draw(timeline)
            done = time.perf_counter()
            label = "first (imports, font cache)" if attempt == 0 else f"warm #{attempt}"
            ms = [1000 * (counted - started), 1000 * (done - counted), 1000 * (done - started)]
            rows.append([name, label, n, *ms, len(png)])
    return rows


def build_rows(index, relevance: TopicRelevance) -> list[list[object]]:
    timelines = Timelines(index, relevance, relevance.floor)
    rows = []
    for topic in ("Nvidia and China", "semiconductor manufacturing equipment export controls", "Rapidus"):
        for label in ("first build (reference read)", "again"):
            started = time.perf_counter()
            built = timelines.build(topic)
            rows.append([topic, label, len(built.items), 1000 * (time.perf_counter() - started)])
    return rows


def matching_rows(index) -> list[list[object]]:
    answerer = Answerer(index)
    generation = ["before"]
    relevance = TopicRelevance(index, weights=lambda: answerer.weights, version=lambda: generation[0])
    topics = [t.topic for t in load_topics(TOPICS)]
    names = (topics + [f"{t} news" for t in topics] + [f"latest on {t}" for t in topics])[:100]
    follows = [Follow(i, 1, 100 + i, name, None, "each", None, 1) for i, name in enumerate(names)]
    articles = list(index.articles())
    started = time.perf_counter()
    index.embedder.embed(["warm-up"])
    answerer.weights  # noqa: B018 - computed once per generation, for answers as well
    rows: list[list[object]] = [["setup (term weights, model warm-up)", "", "", "", time.perf_counter() - started]]
    generation[0] = "new"
    for label, new in (
        ("cold (reference levels computed)", articles[:10]),
        ("warm (same generation)", articles[10:20]),
    ):
        started = time.perf_counter()
        matches = FollowMatcher(relevance, relevance.floor).match(follows, new)
        rows.append([label, len(follows), len(new), len(matches), time.perf_counter() - started])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="an index of the shared corpus to reuse (built if absent)")
    args = parser.parse_args()
    print("## Timeline: count and draw 10,000 relevant articles\n")
    print(table(["chart", "run", "articles", "count ms", "draw ms", "total ms", "PNG bytes"], render_rows()))
    _, index = open_shared_index(args.data_dir)
    print("\n## Follow matching per refresh (100 follows)\n")
    print(table(["refresh", "follows", "new articles", "matches", "seconds"], matching_rows(index)))
    answerer = Answerer(index)
    relevance = TopicRelevance(index, weights=lambda: answerer.weights, version=lambda: index.manifest.generation)
    print("\n## Timeline build on the shared corpus (search 300 + relevance floor)\n")
    print(table(["topic", "build", "articles", "ms"], build_rows(index, relevance)))


if __name__ == "__main__":
    main()
