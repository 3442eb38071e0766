"""The Answerer: question -> search -> learned ranking and quote choice -> cited Answer or abstention.

It holds no I/O of its own: the index and the optional LLM writer are passed in. Four small
learned models decide (``model.py``; rebuilt by ``chipbot train``): the ranker orders the searched
articles by the probability that each answers the question; the passage model leads with the one of
its first few whose best window states the answer (its ranker score counting too); the quoter picks
the windows of one to three sentences that hold it (``quotes.py``); the abstainer estimates, from
the lead and the quote an answer would show and the kind of detail asked, the probability that the
articles answer the question at all, and below its threshold chipbot says no article answers it.

>>> import tempfile
>>> from pathlib import Path
>>> from corpus.pipeline import ingest
>>> from corpus.sample import SAMPLE_PATH
>>> from corpus.store import open_store
>>> from index.builder import update_index
>>> from index.embedders.hashing import HashEmbedder  # a model-free stand-in
>>> from index.search import Index
>>> data_dir = Path(tempfile.mkdtemp())
>>> with open_store(data_dir) as store:
...     _ = ingest([str(SAMPLE_PATH)], store)
...     _ = update_index(data_dir, store, HashEmbedder())
>>> answer = Answerer(Index.open(data_dir, HashEmbedder())).answer("What share of H20 revenue will Nvidia pay the US?")
>>> answer.abstained, answer.citations[0].article.title
(False, 'Nvidia and AMD reportedly agree to give the US 15% of China chip revenue')
>>> answer.citations[0].quote in answer.citations[0].article.text  # every quote is verbatim
True
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Protocol

import numpy as np

from bot.answering.compose import Candidate, abstention, compose, pick_supporting
from bot.answering.evidence import Query, Reading
from bot.answering.features import (
    abstain_features,
    article_features,
    article_ids,
    lead_margin,
    passage_features,
    window_features,
)
from bot.answering.followup import asked_last
from bot.answering.framing import asks_for_more, names_its_subject, says_nothing, unframed
from bot.answering.layout import Window
from bot.answering.lexicon import Lexicon
from bot.answering.model import LinearModel, Models
from bot.answering.places import country_names
from bot.answering.quotes import choose_quotes
from bot.answering.spelling import correct_names
from bot.answering.terms import TermWeights
from bot.answering.tuning import (
    CANDIDATES,
    CONTEXT,
    LEAD_QUOTES,
    MAX_SUPPORTING,
    PASSAGE_CANDIDATES,
    PASSAGE_RANKER,
)
from bot.answering.types import Answer
from corpus.text.words import tokens
from corpus.types import Article
from index.timeparse import topic_of
from index.types import Embedded, SearchResult

if TYPE_CHECKING:
    from bot.answering.followup import Conversation

log = logging.getLogger(__name__)

QUOTED = 1 + 2 * MAX_SUPPORTING  # candidates whose quote is chosen: the lead and enough to support it

EMPTY_QUESTION = (
    'Please ask a question about chip-trade news, e.g. "Which Chinese companies got approval to buy H200 chips?"'
)
NO_MORE = "That is all: no other indexed article adds to the answer."


class SearchIndex(Protocol):
    """What the Answerer needs from ``index.search.Index`` (``sentence_vectors`` is optional)."""

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


class TopicJudge(Protocol):
    """``bot.answering.relevance.TopicRelevance``: the probability each article is about a topic."""

    @property
    def floor(self) -> float: ...

    def scores(self, topic: str, articles: Sequence[Article], *, known: Embedded | None = None) -> list[float]: ...


class AnswerWriter(Protocol):
    """An optional writer (an LLM) that may replace the extractive text of a composed answer."""

    def write(self, answer: Answer) -> Answer: ...


@dataclass
class Evidence:
    """Everything read for one question, before any learned decision: what training learns from."""

    query: Query
    result: SearchResult
    readings: list[Reading]
    rows: np.ndarray  # article features, one row per hit
    respelt: tuple[tuple[str, str], ...] = ()  # (as written, as read) per misspelt name of the question


@dataclass
class Examination:
    """The decisions for one question: candidates best first, the lead's quote, the answer's odds."""

    evidence: Evidence
    candidates: list[Candidate]  # best first
    confidence: float  # probability that candidates[0] with its quote answers the question (``Models.confidence``)
    answers: bool  # the abstainer's probability that the candidates answer reaches its threshold


def _filters(since: date | None, until: date | None, sources: list[str] | None) -> str:
    """The limits a question was asked with, as words ("from reuters.com and published on or after
    2025-10-01"; empty without any)."""
    parts = [f"from {' or '.join(sources)}"] if sources else []
    if since and until:
        parts.append(f"published between {since.isoformat()} and {until.isoformat()}")
    elif since:
        parts.append(f"published on or after {since.isoformat()}")
    elif until:
        parts.append(f"published on or before {until.isoformat()}")
    return " and ".join(parts)


def ranker_order(scores: np.ndarray) -> list[int]:
    """The candidates by the ranker's score, best first (of equal scores, the search's first)."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def passage_order(
    passage: LinearModel | None, evidence: Evidence, scores: np.ndarray, windows: dict[int, np.ndarray] | None = None
) -> list[int]:
    """The candidates in the ranker's order (``scores``), with its first ``PASSAGE_CANDIDATES`` put
    in the order of their best window by the passage model, plus ``PASSAGE_RANKER`` times their
    ranker score: their windows compete, so the sibling that states the asked detail leads, and the
    ranker's judgement of the whole article still counts. Unchanged without a passage model.
    ``windows``: the candidates' ``window_features`` by index, filled in as they are computed (the
    quotes are chosen from them too)."""
    ranked = ranker_order(scores)
    if passage is None or len(ranked) < 2:
        return ranked
    windows = {} if windows is None else windows
    head = ranked[:PASSAGE_CANDIDATES]
    best = {}
    for i in head:
        reading = evidence.readings[i]
        if reading.windows:
            if i not in windows:
                windows[i] = window_features(reading)
            said = float(passage.scores(passage_features(windows[i], evidence.rows[i])).max())
            best[i] = said + PASSAGE_RANKER * float(scores[i])
    return sorted(head, key=lambda i: -best.get(i, -np.inf)) + ranked[PASSAGE_CANDIDATES:]


def _asks_latest(query: Query) -> bool:
    """Whether the question asks for the latest news on its subject, naming no period."""
    return query.intent.prefer_recent and query.intent.period is None and not query.intent.until


def lead_order(
    passage: LinearModel | None, evidence: Evidence, scores: np.ndarray, windows: dict[int, np.ndarray] | None = None
) -> list[int]:
    """Who leads an answer, before recency has its say (``Answerer.answer_order``): the passage
    model's order (``passage_order``), except when the latest news is asked for; then the ranker's."""
    if _asks_latest(evidence.query):
        return ranker_order(scores)
    return passage_order(passage, evidence, scores, windows)


def context_of(evidence: Evidence) -> tuple[str, ...]:
    """What a follow-up may refer back to: the articles the search found first."""
    return tuple(i for hit in evidence.result.hits[:CONTEXT] for i in sorted(article_ids(hit)))


class Answerer:
    def __init__(
        self,
        index: SearchIndex,
        *,
        llm: AnswerWriter | None = None,
        today: date | None = None,
        models: Models | None = None,
        lexicon: Lexicon | None = None,
        k: int = CANDIDATES,
        clock: Callable[[], float] = time.perf_counter,
        relevance: TopicJudge | None = None,
    ) -> None:
        self._index = index
        self._relevance = relevance
        self._llm = llm
        self._today = today
        self._models = models
        self._lexicon = lexicon if lexicon is not None else Lexicon.load()
        self._k = k
        self._clock = clock
        self._weights: TermWeights | None = None
        self._weights_lock = threading.Lock()

    def with_models(self, models: Models) -> Answerer:
        """This answerer (its index, lexicon, writer, clock and term weights) deciding with other
        learned models."""
        other = Answerer(
            self._index,
            llm=self._llm,
            today=self._today,
            models=models,
            lexicon=self._lexicon,
            k=self._k,
            clock=self._clock,
            relevance=self._relevance,
        )
        other._weights = self.weights  # the same index: its term weights are computed once
        return other

    @property
    def models(self) -> Models:
        """The learned models (the packaged ones, for this index's embedder, unless others were passed in),
        loaded on first use."""
        if self._models is None:
            shipped = Models.load()
            embedder = getattr(getattr(self._index, "embedder", None), "name", None)
            self._models = shipped.for_embedder(embedder)
            if self._models is not shipped:
                log.warning(
                    "the answer models were trained on %s similarities, this index uses %s: abstaining "
                    "on lexical features only; run `chipbot train` for answers calibrated to it",
                    shipped.ranker.about.get("embedder"),
                    embedder,
                )
        return self._models

    @property
    def relevance(self) -> TopicJudge | None:
        """Whether an article is about a topic, as follows and timelines judge it (``TopicRelevance``
        over this index, built on first use; None for an index without stored sentence vectors)."""
        with self._weights_lock:
            if self._relevance is None and hasattr(self._index, "sentence_vectors"):
                from bot.answering.relevance import TopicRelevance

                self._relevance = TopicRelevance(
                    self._index,  # type: ignore[arg-type]  # has sentence vectors, so it is an Index
                    weights=lambda: self.weights,
                    # the generation in service now: a reload swaps the manifest, and the kept topics go
                    version=lambda: str(getattr(getattr(self._index, "manifest", None), "generation", "")),
                )
            return self._relevance

    @property
    def weights(self) -> TermWeights:
        """Term weights over the indexed articles, computed on first use."""
        with self._weights_lock:  # answers run in several worker threads: compute once
            if self._weights is None:
                self._weights = TermWeights.from_articles(self._index.articles())
                log.debug("term weights over %d articles", self._weights.documents)
            return self._weights

    def warm(self) -> None:
        """Load what the first question would otherwise wait for: the term weights, the learned
        models and the embedder's session (one question answered), and the country names
        (``places``, read when a question first names a country: some 30 ms)."""
        self.answer("export controls on chips")
        country_names("China")

    def refresh(self) -> None:
        """Recompute the term weights over the index's articles now, then swap them in (call after
        the index was reloaded with new articles, from the thread that reloaded it, so no answer
        waits for them)."""
        weights = TermWeights.from_articles(self._index.articles())
        with self._weights_lock:
            self._weights = weights

    def read(
        self,
        question: str,
        *,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
        previous: frozenset[str] = frozenset(),
    ) -> Evidence:
        """Search, and read every candidate article against the question; ``previous``: the articles
        the previous question's search found first, when this question follows it up."""
        today = self._today or date.today()
        corrected = correct_names(unframed(question), self.weights)  # "tell me about nvida": Nvidia
        question = corrected.text
        described = self._lexicon.described(question)  # "the Dutch lithography-machine maker": ASML
        searched = f"{question} ({', '.join(described)})" if described else question
        result = self._index.search(searched, k=self._k, since=since, until=until, sources=sources, today=today)
        stressed = asked_last(question) if previous else ""  # a follow-up: what was just asked
        query = Query.parse(
            question, self.weights, today=today, vector=result.query_vector, described=described, stressed=stressed
        )
        sentence_vectors = getattr(self._index, "sentence_vectors", None)
        stored = sentence_vectors([h.article.id for h in result.hits]) if sentence_vectors else {}
        readings = []
        for hit in result.hits:
            vectors = stored.get(hit.article.id)
            readings.append(
                Reading(
                    hit.article,
                    query,
                    spans=vectors.spans if vectors else None,
                    vectors=vectors.vectors if vectors else None,
                    context=vectors.context if vectors else None,
                    retrieved=[hit.chunk, *hit.chunks],
                )
            )
        rows = article_features(query, result.hits, readings, self.weights, previous)
        return Evidence(query, result, readings, rows, corrected.respelt)

    def article_terms(self, article_ids: Sequence[str]) -> frozenset[str]:
        """The terms of these articles (title and text): what a short follow-up may be about."""
        lookup = getattr(self._index, "article", None)
        if lookup is None:
            wanted = set(article_ids)
            found = [a for a in self._index.articles() if a.id in wanted]
        else:
            found = [a for a in map(lookup, dict.fromkeys(article_ids)) if a is not None]
        return frozenset(t for a in found for t in tokens(f"{a.title or ''}\n{a.text}"))

    def choose_quotes(self, reading: Reading, n: int = 2, rows: np.ndarray | None = None) -> list[tuple[Window, float]]:
        """``quotes.choose_quotes`` by this answerer's quoter."""
        return choose_quotes(reading, self.models.quoter, n, rows)

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
    ) -> SearchResult:
        """The index's search, its candidates in the order an answer takes them (``answer_order``):
        the first is the article an answer would cite first."""
        evidence = self.read(question, since=since, until=until, sources=sources)
        order, _ = self.answer_order(evidence, self.models.ranker.scores(evidence.rows))
        return replace(evidence.result, hits=[evidence.result.hits[i] for i in order[:k]])

    def answer_order(
        self, evidence: Evidence, scores: np.ndarray, windows: dict[int, np.ndarray] | None = None
    ) -> tuple[list[int], bool]:
        """The candidates, scored by the ranker (``scores``), in the order an answer takes them: the
        passage model's among the first few, except when the latest news is asked for; then the newest
        candidate on the subject first (``_newest_first``: the order, and whether it did so)."""
        return self._newest_first(evidence, lead_order(self.models.passage, evidence, scores, windows))

    def examine(self, evidence: Evidence) -> Examination:
        """Rank the candidates (the ranker, then the passage model among its first few), choose quotes
        for the lead and its possible supporters, and weigh whether the lead answers the question at all."""
        scores = self.models.ranker.scores(evidence.rows)
        probabilities = self.models.ranker.probabilities(evidence.rows)
        windows: dict[int, np.ndarray] = {}  # window features, computed once per candidate
        led = lead_order(self.models.passage, evidence, scores, windows)
        order, on_subject = self._newest_first(evidence, led)
        found = {
            i: Candidate(evidence.result.hits[i], evidence.readings[i], float(probabilities[i]), weights=self.weights)
            for i in order
        }
        candidates = [found[i] for i in order]
        head, tail = candidates[:QUOTED], candidates[QUOTED:]
        for i, candidate in zip(order, head):
            candidate.quotes = self.choose_quotes(candidate.reading, LEAD_QUOTES, windows.get(i))
        candidates = [c for c in head if c.quotes] + tail  # an empty article has nothing to quote
        if not candidates or not candidates[0].quotes:
            return Examination(evidence, candidates, 0.0, False)
        # The abstainer weighs the lead the ranker and the passage model choose, as an answer quotes
        # it: whether the candidates answer at all. A newer lead put first for a question after the
        # latest news (``_newest_first``) is on the same subject.
        best = led[0] if found[led[0]].quotes else next(i for i in order if found[i] is candidates[0])
        weighed = found[best]
        row = abstain_features(
            evidence.query,
            weighed.reading,
            weighed.probability,
            lead_margin(scores),
            weighed.window,
            weighed.quotes[0][1],
            evidence.rows[best],
        )
        answerable = float(self.models.abstainer.probabilities(row[None, :])[0])
        # The latest news on a subject is answered by the newest story about it, if the lead is one.
        answers = answerable >= self.models.abstainer.threshold_for(evidence.query.short) or (
            on_subject and candidates[0] is found[order[0]]
        )
        # What the answer states: how likely its [1] answers, which is less likely than that some
        # article does (the abstainer's question); the abstainer's probability where no model says.
        said = self.models.confidence
        confidence = float(said.probabilities(row[None, :])[0]) if said is not None else answerable
        return Examination(evidence, candidates, confidence, answers)

    def _newest_first(self, evidence: Evidence, order: list[int]) -> tuple[list[int], bool]:
        """A question after the latest news on a subject ("what's the latest on Nvidia and China"),
        with no period named, is led by the newest candidate about the subject, as a follow would judge
        it (``relevance`` at its floor), when it was published after the ranker's dated lead; the
        ranker's order otherwise, and for the rest. Also whether the lead is about the subject: then
        the question is answered, since the newest story on it is what was asked for."""
        intent = evidence.query.intent
        if not _asks_latest(evidence.query) or not order:
            return order, False
        hits = evidence.result.hits
        lead = hits[order[0]].article.published  # an undated lead may well be the newest: nothing is newer
        # Only the lead and what was published after it can decide: the rest are not judged (a
        # judgement reads the article against the subject: about 0.5 ms each on 2 cores).
        later = [i for i in order[1:] if lead is not None and (hits[i].article.published or date.min) > lead]
        asked = [order[0], *later]
        try:
            relevance = self.relevance  # built on first use: its topic models load then
            if relevance is None:
                return order, False
            scored = relevance.scores(
                topic_of(evidence.query.text, intent),
                [hits[i].article for i in asked],
                known=evidence.result.embedding,  # its topic's vector spares embedding the same words again
            )
        except Exception:  # the ranker's order still answers: a failed judgement must not fail the answer
            log.exception("could not judge which candidates are about the subject; keeping the ranker's order")
            return order, False
        about = {i for i, p in zip(asked, scored) if p >= relevance.floor}
        newer = [i for i in later if i in about]
        if not newer:
            return order, order[0] in about
        newest = max(newer, key=lambda i: hits[i].article.published or date.min)  # ties: the ranker's first
        return [newest, *(i for i in order if i != newest)], True

    def more(
        self,
        asked: str,
        conversation: Conversation,
        *,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
    ) -> Answer:
        """ "Tell me more" after an answer: the next articles the ranker puts first for the
        conversation's last question, none of them cited before, each naming what it names and with a
        quote that shares a word with it, quoted as an answer is (or ``NO_MORE``). They may be weaker
        than an answer's own sources: the user asked for more, as Discord's "More sources" button does,
        with quotes here."""
        question = conversation.last_question or ""
        understood = f"more on: {question}"
        evidence = self.read(question, since=since, until=until, sources=sources)
        fresh: list[Candidate] = []
        for candidate in self.examine(evidence).candidates:
            if candidate.article.id in conversation.cited or candidate.reading.missing_entities:
                continue  # cited already, or not about what the question names
            candidate.quotes = candidate.quotes or self.choose_quotes(candidate.reading, LEAD_QUOTES)
            if candidate.sentence_window is not None:
                fresh.append(candidate)
            if len(fresh) > MAX_SUPPORTING:
                break
        if not fresh:
            return Answer(question=asked, text=NO_MORE, citations=[], abstained=True, resolved_question=understood)
        lead, *rest = fresh
        answer = compose(asked, lead, rest, confidence=lead.probability, intent=evidence.query.intent)
        conversation.cited_more(answer)
        return replace(answer, resolved_question=understood)

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
        if conversation is not None and conversation.answered and asks_for_more(asked):
            return self.more(asked, conversation, since=since, until=until, sources=sources)
        if not asked or says_nothing(asked):
            # "hi", "thanks!": nothing to search for, so say how to ask rather than "none of the articles
            # answers this"; nor does the conversation remember it as a question to follow up.
            return Answer(question=question, text=EMPTY_QUESTION, citations=[], abstained=True)
        meant = unframed(asked)  # "hey, can you tell me which ...": "which ..."; a follow-up's too
        # "tell me about X" asks about X, not about the previous question's X.
        resolved = (
            conversation.resolve(meant, self.weights, requested=names_its_subject(asked)) if conversation else meant
        )
        previous = frozenset(conversation.context) if conversation and resolved != meant else frozenset()
        evidence = self.read(resolved, since=since, until=until, sources=sources, previous=previous)
        searched = self._clock()
        examination = self.examine(evidence)
        if examination.answers:
            lead, *rest = [c for c in examination.candidates if c.quotes]  # the quoted head
            answer = compose(
                asked,
                lead,
                pick_supporting(lead, rest),
                confidence=examination.confidence,
                intent=evidence.query.intent,
            )
        else:
            limits = evidence.result  # the filters given, and a window the question names ("last month")
            answer = abstention(
                asked,
                examination.candidates,
                self.weights.documents,
                _filters(limits.since, limits.until, limits.sources),
            )
            answer = replace(answer, confidence=examination.confidence)
        composed = self._clock()
        timings = {"search": (searched - started) * 1000, "compose": (composed - searched) * 1000}
        if self._llm is not None and not answer.abstained:
            answer = self._llm.write(answer)
            timings["llm"] = (self._clock() - composed) * 1000
        timings["total"] = (self._clock() - started) * 1000
        answer = replace(
            answer,
            resolved_question=resolved if resolved != meant else None,
            read_as=evidence.query.described,
            respelt=evidence.respelt,
            timings_ms={**{f"index_{k}": v for k, v in evidence.result.timings_ms.items()}, **timings},
        )
        if conversation is not None:
            context = context_of(evidence)
            conversation.remember(resolved, answer, context=context, context_terms=partial(self.article_terms, context))
        return answer
