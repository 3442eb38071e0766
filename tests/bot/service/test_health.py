from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from bot.service.health import Health, IndexFacts
from bot.service.metrics import Metrics
from bot.service.refresh_journal import FeedState
from tests.bot.discord_world import ARTICLES, build_index


def test_the_disk_and_the_running_bot_report_the_same_index(data_dir: Path) -> None:
    index = build_index(data_dir)
    on_disk = IndexFacts.on_disk(data_dir)
    assert on_disk == IndexFacts.loaded(index)
    assert on_disk is not None and on_disk.articles == len(ARTICLES)
    assert on_disk.newest_article == date(2024, 5, 10)
    assert IndexFacts.on_disk(data_dir / "elsewhere") is None


def test_health_json_round_trips_and_reads_as_text(data_dir: Path) -> None:
    facts = IndexFacts("gen-000004", 10, 40, "2026-11-01T10:00:00+00:00", date(2026, 10, 30))
    feed = FeedState("https://a.example/rss", "2026-11-01T10:30:00+00:00", "failed", error="HTTP error 500")
    health = Health(facts, [feed], gateway_connected=False, worker_jobs=3)
    assert not health.ok and Health(facts, [], True).ok and not Health(None, [], True).ok
    assert Health.from_json(health.as_json()) == health
    text = "\n".join(health.lines(today=date(2026, 11, 1)))
    assert "gateway: NOT connected" in text and "newest article: 2026-10-30 (2 days old)" in text
    assert "2026-11-01 10:30 UTC  FAILED: HTTP error 500  https://a.example/rss" in text
    assert "worker jobs: 3" in text


def test_each_metrics_object_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.question("answered", 0.2)
    assert 'chipbot_questions_total{outcome="answered"} 1.0' in first.render().decode()
    assert 'chipbot_questions_total{outcome="answered"} 0.0' in second.render().decode()


def test_newest_article_age_is_read_at_scrape_time() -> None:
    metrics = Metrics()
    newest: list[date | None] = [date(2026, 11, 1)]
    now = 1_793_491_200.0 + 3 * 3600  # 2026-11-01 03:00 UTC
    metrics.watch(lambda: 7, lambda: newest[0], lambda: 0, clock=lambda: now)
    page = metrics.render().decode()
    assert "chipbot_newest_article_age_seconds 10800.0" in page and "chipbot_articles_indexed 7.0" in page
    newest[0] = None
    assert math.isnan(float(_sample(metrics.render().decode(), "chipbot_newest_article_age_seconds")))


def _sample(page: str, name: str) -> str:
    return next(line.split()[1] for line in page.splitlines() if line.startswith(name + " "))
