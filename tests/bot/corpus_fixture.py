"""A handful of short articles written for the tests (our own words, not real reporting)."""

from __future__ import annotations

from datetime import date

from corpus.types import Alternate, Article
from tests.bot.fakes import make_article


def small_corpus() -> list[Article]:
    return [
        make_article(
            "h200-approval",
            "Beijing has approved ByteDance, Alibaba and Tencent to buy Nvidia H200 chips, people familiar "
            "with the matter said. The approvals cover several hundred thousand units in total.\n\n"
            "Nvidia declined to comment on the approvals.",
            title="Beijing clears three firms to buy Nvidia H200 chips",
            source="news.example",
            published=date(2026, 1, 10),
            alternates=[Alternate(url="https://copy.example/h200", source="copy.example", article_id="copy-1")],
        ),
        make_article(
            "h200-fee",
            "The U.S. said Nvidia may ship H200 chips to approved customers in China. "
            "Washington will take a 25% cut of the sales.",
            title="Nvidia H200 exports to China allowed with a fee",
            source="wire.example",
            published=date(2025, 12, 1),
        ),
        make_article(
            "rapidus",
            "Japan approved another 590 billion yen for Rapidus on Tuesday. The chipmaker plans mass production "
            "in 2027 at its plant in Hokkaido.",
            title="Japan adds funding for Rapidus",
            source="asia.example",
            published=date(2024, 4, 2),
        ),
        make_article(
            "asml-duv",
            "The Dutch government said it will restrict exports of advanced DUV lithography systems. "
            "ASML expects the rules to take effect later in the year.",
            title="Dutch to curb ASML DUV exports",
            source="eu.example",
            published=None,
        ),
        make_article(
            "gallium",
            "China will control exports of gallium and germanium from August 1. "
            "A ministry spokesperson said the controls are not a ban.",
            title="China curbs gallium and germanium exports",
            source="metals.example",
            published=date(2023, 7, 3),
        ),
    ]
