"""Small deterministic stand-ins for the index tests: an in-memory article store and a counting embedder."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date

import numpy as np

from corpus.types import Alternate, Article, Chunk
from index.embedders.hashing import HashEmbedder


def make_article(
    article_id: str,
    text: str,
    *,
    title: str | None = None,
    source: str = "example.com",
    published: date | None = None,
    alternates: list[Alternate] | None = None,
) -> Article:
    url = f"https://{source}/{article_id}"
    return Article(
        id=article_id,
        url=url,
        canonical_url=url,
        title=title,
        source=source,
        published=published,
        text=text,
        alternates=alternates or [],
    )


def paragraph_chunks(article: Article) -> list[Chunk]:
    """One chunk per paragraph, with exact spans (the real chunker packs sentences)."""
    chunks = []
    for ordinal, m in enumerate(re.finditer(r"[^\n]+", article.text)):
        digest = hashlib.sha256(f"{article.id}:{m.start()}:{m.end()}:{m[0]}".encode()).hexdigest()[:24]
        chunks.append(Chunk(digest, article.id, ordinal, m.start(), m.end(), m[0]))
    return chunks


class MemoryStore:
    """The read side of ``corpus.store.ArticleStore``, in memory."""

    def __init__(self, articles: list[Article] = ()) -> None:
        self._articles: dict[str, Article] = {}
        for article in articles:
            self.put(article)

    def put(self, article: Article) -> None:
        self._articles[article.id] = article

    def delete(self, article_id: str) -> None:
        del self._articles[article_id]

    def get(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)

    def articles(self) -> Iterator[Article]:
        return iter(list(self._articles.values()))

    def chunks(self, article_id: str) -> list[Chunk]:
        return paragraph_chunks(self._articles[article_id])

    def all_chunks(self) -> Iterator[Chunk]:
        for article in list(self._articles.values()):
            yield from paragraph_chunks(article)


class CountingEmbedder(HashEmbedder):
    """The hash embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().embed(texts)


# A tiny corpus in our own words.
ARTICLES = [
    make_article(
        "a1",
        "The Commerce Department restricted exports of Nvidia H20 accelerators to China.\n"
        "Nvidia said the licence requirement would cost it billions in lost sales.",
        title="US curbs Nvidia H20 sales to China",
        source="newswire.example",
        published=date(2025, 4, 16),
    ),
    make_article(
        "a2",
        "ASML said Dutch rules now require licences for its immersion lithography machines.\n"
        "Shipments of the NXT:2000i to Chinese fabs need approval from The Hague.",
        title="Dutch licence rules hit ASML",
        source="dutchnews.example",
        published=date(2023, 9, 1),
    ),
    make_article(
        "a3",
        "TSMC broke ground on a second Kumamoto fab with subsidies from Japan.\n"
        "The plant will make 6-nanometre chips for carmakers.",
        title="TSMC starts second Japan fab",
        source="asia.example",
        published=date(2024, 2, 6),
    ),
    make_article(
        "a4",
        "Huawei's Ascend 910C accelerator reached yields of about forty percent.\n"
        "SMIC manufactures the chip on its 7nm-class process.",
        title="Huawei Ascend yields improve",
        source="newswire.example",
        published=None,
    ),
    make_article(
        "a5",
        "Rapidus began prototype production of 2nm chips in Hokkaido.\n"
        "Japan's government has committed further subsidies to the venture.",
        title="Rapidus prototypes 2nm",
        source="asia.example",
        published=date(2025, 7, 18),
    ),
]


def fts5_bm25(rows: list[tuple[int, str, str]], terms: list[str], title_weight: float) -> dict[int, float]:
    """The reference keyword scores: (chunk id, title, text) rows in an FTS5 table, an OR of
    ``terms`` (stems, each once), scored by FTS5's own ``bm25()`` (negated: higher is better)."""
    import sqlite3

    from corpus.text.words import FTS5_TOKENIZER as TOKENIZER

    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE ref USING fts5(title, text, tokenize='{TOKENIZER}')")
    conn.executemany("INSERT INTO ref (rowid, title, text) VALUES (?, ?, ?)", rows)
    query = " OR ".join(f'"{t}"' for t in terms)
    return {
        vid: -score
        for vid, score in conn.execute(
            "SELECT rowid, bm25(ref, ?, 1.0) FROM ref WHERE ref MATCH ?", (title_weight, query)
        )
    }
