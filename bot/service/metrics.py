"""Prometheus metrics, kept in a registry the caller owns (prometheus-client's global one is never used).

Counters move where things happen (:class:`bot.service.asking.Asker` for questions, the refresh
journal for feeds); the index gauges are read when ``/metrics`` is scraped, from a function the
wiring passes in, so they always describe the generation that is serving questions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

OUTCOMES = ("answered", "abstained", "busy", "error")
# Seconds from the question reaching the worker pool to the answer: extractive answers take
# milliseconds to a second on a small CPU; answers worded by an LLM can take tens of seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.questions = Counter("chipbot_questions", "Questions handled, by outcome", ["outcome"], registry=r)
        self.latency = Histogram(
            "chipbot_answer_seconds",
            "Time to answer a question (queue wait included)",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.busy = Counter("chipbot_busy_refusals", "Questions refused because the worker pool was full", registry=r)
        self.refreshes = Counter(
            "chipbot_refreshes", "Refresh runs, by result (failed: it raised)", ["result"], registry=r
        )
        self.feed_refreshes = Counter(
            "chipbot_feed_refreshes", "Feed polls, by feed and result", ["feed", "result"], registry=r
        )
        self.articles = Gauge(
            "chipbot_articles_indexed", "Articles in the index generation serving questions", registry=r
        )
        self.newest_age = Gauge(
            "chipbot_newest_article_age_seconds", "Age of the newest dated article in the index", registry=r
        )
        self.queue_depth = Gauge("chipbot_worker_jobs", "Answer jobs running or waiting in the worker pool", registry=r)
        for outcome in OUTCOMES:
            self.questions.labels(outcome)  # present (at 0) before the first question

    def question(self, outcome: str, seconds: float) -> None:
        self.questions.labels(outcome).inc()
        if outcome == "busy":
            self.busy.inc()
        else:
            self.latency.observe(seconds)

    def feed_refreshed(self, feed: str, result: str) -> None:
        self.feed_refreshes.labels(feed, result).inc()

    def watch(
        self,
        articles: Callable[[], float],
        newest: Callable[[], date | None],
        queue_depth: Callable[[], float],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Read the index and pool gauges from these functions at every scrape."""

        def age() -> float:
            day = newest()
            if day is None:
                return float("nan")
            return max(0.0, clock() - datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())

        self.articles.set_function(articles)
        self.newest_age.set_function(age)
        self.queue_depth.set_function(queue_depth)

    def render(self) -> bytes:
        """The registry in Prometheus' text format (call it off the event loop: gauges may read SQLite)."""
        return generate_latest(self.registry)
