"""Citations link to the article's address as published, never to its deduplication key."""

from __future__ import annotations

from datetime import date

from bot.discordbot.render import source_link
from corpus.pipeline import to_article
from corpus.records import Document


def test_an_http_only_site_keeps_its_http_link_and_only_tracking_parameters_go() -> None:
    published = "http://www.koreatimes.example/amp/2025/chips?id=7&utm_source=x&page=2#top"
    article, _ = to_article(Document("t", "Chip news text.", url=published), today=date(2026, 1, 1))
    assert article.canonical_url == "https://koreatimes.example/2025/chips?id=7&page=2"  # for deduplication
    assert article.url == "http://www.koreatimes.example/amp/2025/chips?id=7&page=2"
    assert source_link(article).endswith("(http://www.koreatimes.example/amp/2025/chips?id=7&page=2)")
