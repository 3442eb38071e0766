"""The Answerer: question -> search -> best passages -> cited Answer (or an abstention).

It holds no I/O of its own: the index and the optional LLM writer are passed in.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Protocol

from bot.answering.abstain import AbstainPolicy
from bot.answering.compose import Candidate, compose
from bot.answering.evidence import Passage, Query, best_passage
from bot.answering.semantic import SemanticReranker, TextEmbedder
from bot.answering.terms import TermWeights
from bot.answering.types import Answer
from corpus.types import Article
from index.types import SearchResult

if TYPE_CHECKING:
    from bot.answering.followup import Conversation

log = logging.getLogger(__name__)

SEARCH_K = 8
RETRIEVAL_WEIGHT = 0.2  # how much the retriever's rank counts next to the passage's own score
PASSAGE_WEIGHT = 0.5  # the quoted passage's score (with answer-type bonuses) vs the article's best coverage
ARTICLE_COVERAGE_WEIGHT = 0.2  # an article that covers the whole question beats one good sentence
MISSING_ENTITY_PENALTY = 0.1  # per name in the question that the article never mentions
UNDATED_PENALTY = 0.1  # of two sources that answer alike, the dated one lets a reader judge how current it is
EMPTY_QUESTION = (
    'Please ask a question about chip-trade news, e.g. "Which Chinese companies got approval to buy H200 chips?"'
)


class SearchIndex(Protocol):
    """What the Answerer needs from ``index.search.Index``."""

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
        today: date | None = None,
    ) -> SearchResult: ...

    def articles(self) -> Iterable[Article]: ...


class AnswerWriter(Protocol):
    """An optional writer (an LLM) that may replace the extractive text of a composed answer."""

    def write(self, answer: Answer) -> Answer: ...


class Answerer:
    def __init__(
        self,
        index: SearchIndex,
        *,
        llm: AnswerWriter | None = None,
        today: date | None = None,
        policy: AbstainPolicy | None = None,
        embedder: TextEmbedder | None = None,
        k: int = SEARCH_K,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._index = index
        self._llm = llm
        self._today = today
        self._policy = policy or AbstainPolicy()
        self._k = k
        self._clock = clock
        self._weights: TermWeights | None = None
        self._weights_lock = threading.Lock()
        # The index's own embedder by default: the question is compared with quotes in its space.
        embedder = embedder if embedder is not None else getattr(index, "embedder", None)
        self._reranker = SemanticReranker(embedder) if embedder is not None else None

    @property
    def weights(self) -> TermWeights:
        """Term weights over the indexed articles, computed on first use."""
        with self._weights_lock:  # answers run in several worker threads: compute once
            if self._weights is None:
                self._weights = TermWeights.from_texts(f"{a.title or ''}\n{a.text}" for a in self._index.articles())
                log.debug("term weights over %d articles", self._weights.documents)
            return self._weights

    def refresh(self) -> None:
        """Recompute the term weights over the index's articles now, then swap them in (call after
        the index was reloaded with new articles, from the thread that reloaded it, so no answer
        waits for them)."""
        weights = TermWeights.from_texts(f"{a.title or ''}\n{a.text}" for a in self._index.articles())
        with self._weights_lock:
            self._weights = weights

    def _rank_score(self, passage: Passage, rank: int) -> float:
        return (
            PASSAGE_WEIGHT * passage.score
            + (1 - PASSAGE_WEIGHT) * passage.best_coverage
            + ARTICLE_COVERAGE_WEIGHT * passage.article_coverage
            + RETRIEVAL_WEIGHT / (rank + 1)
            - MISSING_ENTITY_PENALTY * len(passage.missing_entities)
            - (UNDATED_PENALTY if passage.article.published is None else 0.0)
        )

    def candidates(self, question: str, result: SearchResult) -> list[Candidate]:
        """Each hit's best passage, re-ranked by passage score with the retriever's rank as a prior;
        the top few are then re-scored with dense similarity when an embedder is available."""
        query = Query.parse(question, self.weights)
        keep = self._reranker.tuning.windows if self._reranker else 1
        passages = [best_passage(hit.article, query, [hit.chunk, *hit.chunks], keep=keep) for hit in result.hits]
        ranked = [
            Candidate(hit, p, self._rank_score(p, rank)) for rank, (hit, p) in enumerate(zip(result.hits, passages))
        ]
        ranked.sort(key=lambda c: -c.rank_score)
        if self._reranker is None or not ranked:
            return ranked
        ranks = {id(hit): rank for rank, hit in enumerate(result.hits)}
        head = ranked[: self._reranker.tuning.articles]
        rescored = self._reranker.rescore(question, [c.passage for c in head])
        head = [Candidate(c.hit, p, self._rank_score(p, ranks[id(c.hit)])) for c, p in zip(head, rescored)]
        head.sort(key=lambda c: -c.rank_score)
        return head + ranked[len(head) :]

    def answer(
        self,
        question: str,
        *,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
        conversation: Conversation | None = None,
    ) -> Answer:
        started = self._clock()
        asked = question.strip()
        if not asked:  # nothing to search for: say how to ask rather than "none of the articles covers this"
            return Answer(question=question, text=EMPTY_QUESTION, citations=[], abstained=True)
        resolved = conversation.resolve(asked) if conversation else asked
        result = self._index.search(resolved, k=self._k, since=since, until=until, sources=sources, today=self._today)
        searched = self._clock()
        candidates = self.candidates(resolved, result)
        answer = compose(asked, candidates, article_count=self.weights.documents, policy=self._policy)
        composed = self._clock()
        timings = {"search": (searched - started) * 1000, "compose": (composed - searched) * 1000}
        if self._llm is not None and not answer.abstained:
            answer = self._llm.write(answer)
            timings["llm"] = (self._clock() - composed) * 1000
        timings["total"] = (self._clock() - started) * 1000
        answer = replace(
            answer,
            resolved_question=resolved if resolved != asked else None,
            timings_ms={**{f"index_{k}": v for k, v in result.timings_ms.items()}, **timings},
        )
        if conversation is not None:
            conversation.remember(resolved, answer)
        return answer
