"""Pure composition: ranked candidates -> an ``Answer`` with numbered, verbatim, dated citations
(passages of our own digests, such as the bundled sample, labelled as such and never quoted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bot.answering.evidence import Reading, restates
from bot.answering.layout import Window
from bot.answering.terms import TermWeights
from bot.answering.topic_features import article_terms, likeness
from bot.answering.tuning import (
    LEAD_QUOTES,
    MAX_CITATIONS,
    MAX_RELATED_TOPICS,
    MAX_SUPPORTING,
    OTHER_STORY_SHARE,
    SAME_STORY,
    SUPPORT_SHARE,
)
from bot.answering.types import Answer, Citation
from corpus.text.sentences import excerpt
from corpus.types import Article
from index.timeparse import TimeIntent
from index.types import Hit


@dataclass
class Candidate:
    """A retrieved article, read for the question, with the ranker's probability that it answers it
    and, once chosen, the window it would be quoted by. ``weights``: the corpus's term weights, by
    which it is told whether another candidate is on the same story (``same_story``)."""

    hit: Hit
    reading: Reading
    probability: float
    quotes: list[tuple[Window, float]] = field(default_factory=list)  # best windows, with probabilities
    weights: TermWeights | None = None

    @cached_property
    def terms(self) -> dict[str, float]:
        """Its ``article_terms`` (none without ``weights``)."""
        return article_terms(self.reading, self.weights) if self.weights is not None else {}

    @property
    def article(self) -> Article:
        return self.hit.article

    @property
    def window(self) -> Window | None:
        return self.quotes[0][0] if self.quotes else None

    @property
    def quote(self) -> str:
        return self.reading.quote(self.window) if self.window else ""

    @property
    def sentence_window(self) -> Window | None:
        """The best of its quotes that ends as a sentence does and holds a word of the question: what
        an "Also:" line shows."""
        reading = self.reading
        return next((w for w, _ in self.quotes if reading.ends_sentence(w) and reading.shares_terms(w)), None)


def date_label(article: Article) -> str:
    return article.published.isoformat() if article.published else "undated"


def topic_label(article: Article) -> str:
    return article.title.strip() if article.title and article.title.strip() else f"an article from {article.source}"


def _newer(article: Article, lead: Article) -> bool:
    """Whether ``article`` is known to be newer than ``lead``: both dated (of an undated lead, nothing is)."""
    return article.published is not None and lead.published is not None and article.published > lead.published


def same_story(candidate: Candidate, lead: Candidate) -> bool:
    """Whether ``candidate`` tells the lead's story: their words alike by at least ``SAME_STORY``
    (``topic_features.likeness``). Unknown, so False, for a candidate without term weights."""
    return bool(candidate.terms and lead.terms) and likeness(candidate.terms, lead.terms) >= SAME_STORY


def newer_coverage(candidate: Candidate, lead: Candidate) -> bool:
    """Whether ``candidate`` is newer coverage of the lead's story: newer (``_newer``), and on it."""
    return _newer(candidate.article, lead.article) and same_story(candidate, lead)


def pick_supporting(lead: Candidate, rest: list[Candidate]) -> list[Candidate]:
    """Other articles worth quoting: those the ranker rates at least ``SUPPORT_SHARE`` of the lead
    if they tell its story (``same_story``), else at least ``OTHER_STORY_SHARE``; newer coverage of
    its story first (``newer_coverage``), then the rest in rank order; never the same article twice,
    nor a quote that says again what a shown one says (``restates``), and only by a quote that ends
    as a sentence does and shares a word with the question (``Candidate.sentence_window``)."""
    relevant = [
        c
        for c in rest
        if c.probability >= OTHER_STORY_SHARE * lead.probability
        or (c.probability >= SUPPORT_SHARE * lead.probability and same_story(c, lead))
    ]
    ordered = sorted(relevant, key=lambda c: not newer_coverage(c, lead))  # stable: rank order within
    seen_ids, picked = {lead.article.id}, []
    said = [lead.reading.quote_words(window) for window, _ in lead.quotes[:LEAD_QUOTES]]
    for candidate in ordered:
        window = candidate.sentence_window
        words = candidate.reading.quote_words(window) if window else frozenset[str]()
        if candidate.article.id in seen_ids or not words or any(restates(words, other) for other in said):
            continue
        seen_ids.add(candidate.article.id)
        said.append(words)
        picked.append(candidate)
        if len(picked) == MAX_SUPPORTING:
            break
    return picked


def _citation(n: int, candidate: Candidate, window: Window | None = None) -> Citation:
    window = window or candidate.window
    assert window is not None  # only candidates with a chosen quote are cited
    return Citation(
        n=n,
        article=candidate.article,
        quote=candidate.reading.quote(window),
        start=window.start,
        end=window.end,
        alternates=list(candidate.article.alternates),
    )


def digest_label(article: Article) -> str:
    """How the text of a digest (``article.is_digest``) is introduced: it is our summary of the
    outlet's report, not the outlet's words, so it is never put in quotation marks."""
    return f"our digest of the {article.source} report"


def _snippet_line(citation: Citation, *, also: bool = False) -> str:
    """One cited passage: the outlet's words in quotation marks, or one of our digests labelled as
    such (every passage of it, the lead's second window included), never quoted as theirs."""
    shown = excerpt(citation.article.text, citation.start, citation.end)
    ref = f"[{citation.n}] ({date_label(citation.article)})"
    if citation.article.is_digest:
        label = digest_label(citation.article)
        return f"Also, {label}: {shown} {ref}" if also else f"{label[:1].upper()}{label[1:]}: {shown} {ref}"
    return f"{'Also: ' if also else ''}“{shown}” {ref}"


def abstention(question: str, candidates: list[Candidate], article_count: int, filters: str = "") -> Answer:
    """Say plainly that no article answers the question, and name the closest topics they do cover.
    ``filters``: what the question was limited to ("from reuters.com"), said in the answer; when no
    article passes them, that is what is said."""
    if filters and not candidates:
        text = f"No indexed article is {filters}, so none answers this."
        return Answer(question=question, text=text, citations=[], abstained=True)
    topics: list[str] = []
    for candidate in candidates:
        label = topic_label(candidate.article)
        if label not in topics:
            topics.append(label)
        if len(topics) == MAX_RELATED_TOPICS:
            break
    noun = "article" if article_count == 1 else "articles"
    counted = f"indexed articles {filters}" if filters else f"{article_count} indexed {noun}"
    text = f"None of the {counted} answers this."
    if topics:
        text += " The closest topics they do cover: " + "; ".join(topics) + "."
    return Answer(question=question, text=text, citations=[], abstained=True, related_topics=topics)


def compose(
    question: str,
    lead: Candidate,
    supporting: list[Candidate],
    *,
    confidence: float,
    intent: TimeIntent | None = None,
) -> Answer:
    """The answer: the lead's quote as [1], then supporting quotes, a pointer to newer coverage of
    its story (``newer_coverage``), and a note when [1] was published outside the period the
    question names (``intent``)."""
    citations = [_citation(n, lead, window) for n, (window, _) in enumerate(lead.quotes[:LEAD_QUOTES], start=1)]
    newer: list[Citation] = []
    for candidate in supporting[: MAX_CITATIONS - len(citations)]:
        citations.append(_citation(len(citations) + 1, candidate, candidate.sentence_window))
        if newer_coverage(candidate, lead):
            newer.append(citations[-1])
    lines = [_snippet_line(citations[0])]
    lines += [_snippet_line(c, also=True) for c in citations[1:]]
    if newer:
        refs = ", ".join(f"[{c.n}] ({date_label(c.article)})" for c in newer)
        lines.append(f"Newer coverage than [1]: {refs}.")
    period = intent.period if intent else None
    published = lead.article.published
    if period and published and not period[0] <= published <= period[1]:
        asked = f" ({intent.phrase})" if intent and intent.phrase else ""
        lines.append(f"Note: [1] was published {published.isoformat()}, outside the period asked about{asked}.")
    return Answer(
        question=question,
        text="\n".join(lines),
        citations=citations,
        abstained=False,
        newer=[c.article for c in newer],
        confidence=confidence,
    )
