"""Small deterministic stand-ins for the index: articles written here, a lexical fake search."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np

from corpus.text.sentences import sentence_spans
from corpus.text.words import content_terms, tokens
from corpus.types import Alternate, Article, Chunk
from index.embedders.hashing import HashEmbedder
from index.sentences import SentenceVectors, in_context
from index.types import Embedded, Hit, SearchResult


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
        alternates=list(alternates or []),
    )


def paragraph_chunks(article: Article) -> list[Chunk]:
    """One chunk per paragraph, spans exact."""
    chunks: list[Chunk] = []
    start = 0
    for ordinal, piece in enumerate(article.text.split("\n\n")):
        end = start + len(piece)
        if piece.strip():
            chunks.append(Chunk(f"{article.id}:{ordinal}", article.id, ordinal, start, end, piece))
        start = end + 2
    return chunks


class FakeIndex:
    """Ranks articles by how many of the query's content words each paragraph shares; vectors (for
    the question, the chunks and the stored sentences) come from the model-free hash embedder."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._articles = list(articles)
        self.queries: list[str] = []
        self.embedder = HashEmbedder()

    def sentence_vectors(self, article_ids: list[str]) -> dict[str, SentenceVectors]:
        found = {}
        for article in self._articles:
            if article.id in article_ids:
                spans = np.array([(s.start, s.end) for s in sentence_spans(article.text)]).reshape(-1, 2)
                texts = [article.text[a:b] for a, b in spans]
                found[article.id] = SentenceVectors(
                    spans, self.embedder.embed(texts), self.embedder.embed(in_context(article.title, texts))
                )
        return found

    def articles(self) -> list[Article]:
        return list(self._articles)

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
        today: date | None = None,
        vector: np.ndarray | None = None,
        known: Embedded | None = None,
    ) -> SearchResult:
        self.queries.append(query)
        if vector is None and known is not None and known[0] == query:  # this fake embeds the whole query
            vector = known[1]
        vector = self.embedder.embed([query])[0] if vector is None else vector
        wanted = set(content_terms(query))
        hits: list[Hit] = []
        for article in self._articles:
            if sources and article.source not in sources:
                continue
            if since and (article.published is None or article.published < since):
                continue
            if until and (article.published is None or article.published > until):
                continue
            scored = sorted(
                ((len(wanted & set(tokens(c.text))), c) for c in paragraph_chunks(article)),
                key=lambda pair: -pair[0],
            )
            if scored and scored[0][0] > 0:
                best, *others = [c for s, c in scored if s > 0]
                dense = float(self.embedder.embed([best.text])[0] @ vector)
                hits.append(
                    Hit(article=article, chunk=best, score=float(scored[0][0]), chunks=others, dense_score=dense)
                )
        hits.sort(key=lambda h: -h.score)
        return SearchResult(
            query=query, hits=hits[:k], since=since, until=until, sources=sources, query_vector=vector, embedded=query
        )
