"""Pure composition: ranked passages -> an ``Answer`` with numbered, verbatim, dated citations."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.abstain import AbstainPolicy
from bot.answering.evidence import Passage
from bot.answering.types import Answer, Citation
from corpus.text.sentences import excerpt
from corpus.types import Article
from index.types import Hit

MAX_SUPPORTING = 2
MAX_RELATED_TOPICS = 3
LEAD_POOL = 2  # the lead is the better of the top two candidates that the abstention policy accepts


@dataclass(frozen=True)
class Candidate:
    """A retrieved article with its best passage for the question, ranked by ``rank_score``."""

    hit: Hit
    passage: Passage
    rank_score: float


def date_label(article: Article) -> str:
    return article.published.isoformat() if article.published else "undated"


def topic_label(article: Article) -> str:
    return article.title.strip() if article.title and article.title.strip() else f"an article from {article.source}"


def _relevant(candidate: Candidate, lead: Candidate, policy: AbstainPolicy) -> bool:
    passage = candidate.passage
    return (
        not policy.abstains(passage) and passage.coverage >= 0.6 * lead.passage.coverage and passage.end > passage.start
    )


def _newer_article(article: Article, lead: Article) -> bool:
    return article.published is not None and (lead.published is None or article.published > lead.published)


def _newer(candidate: Candidate, lead: Candidate) -> bool:
    return _newer_article(candidate.passage.article, lead.passage.article)


def _pick_supporting(lead: Candidate, rest: list[Candidate], policy: AbstainPolicy) -> list[Candidate]:
    """Other articles worth quoting: newer relevant coverage first, then the best of the rest."""
    seen_ids = {lead.passage.article.id}
    seen_quotes = {lead.passage.quote.strip()}
    relevant = [c for c in rest if _relevant(c, lead, policy)]
    ordered = sorted((c for c in relevant if _newer(c, lead)), key=lambda c: -c.rank_score)
    ordered += [c for c in relevant if not _newer(c, lead)]
    picked: list[Candidate] = []
    for candidate in ordered:
        article = candidate.passage.article
        if article.id in seen_ids or candidate.passage.quote.strip() in seen_quotes:
            continue
        seen_ids.add(article.id)
        seen_quotes.add(candidate.passage.quote.strip())
        picked.append(candidate)
        if len(picked) == MAX_SUPPORTING:
            break
    return picked


def _citation(n: int, passage: Passage) -> Citation:
    return Citation(
        n=n,
        article=passage.article,
        quote=passage.quote,
        start=passage.start,
        end=passage.end,
        alternates=list(passage.article.alternates),
    )


def digest_label(article: Article) -> str:
    """How the text of a digest (``article.is_digest``) is introduced: it is our summary of the
    outlet's report, not the outlet's words, so it is never put in quotation marks."""
    return f"Our digest of the {article.source} report"


def _snippet_line(citation: Citation) -> str:
    quoted = excerpt(citation.article.text, citation.start, citation.end)
    if citation.article.is_digest:
        return f"{digest_label(citation.article)}: {quoted} [{citation.n}] ({date_label(citation.article)})"
    return f"“{quoted}” [{citation.n}] ({date_label(citation.article)})"


def abstention(question: str, candidates: list[Candidate], article_count: int) -> Answer:
    """Say plainly that the news does not cover the question, and name the closest topics it does."""
    topics: list[str] = []
    for candidate in candidates:
        label = topic_label(candidate.passage.article)
        if label not in topics:
            topics.append(label)
        if len(topics) == MAX_RELATED_TOPICS:
            break
    noun = "article" if article_count == 1 else "articles"
    text = f"None of the {article_count} indexed {noun} covers this."
    if topics:
        text += " The closest topics they do cover: " + "; ".join(topics) + "."
    return Answer(question=question, text=text, citations=[], abstained=True, related_topics=topics)


def compose(question: str, candidates: list[Candidate], *, article_count: int, policy: AbstainPolicy) -> Answer:
    """Build the answer from candidates ranked best first, or abstain when no lead is strong enough."""
    accepted = [c for c in candidates[:LEAD_POOL] if not policy.abstains(c.passage)]
    if not accepted:
        return abstention(question, candidates, article_count)
    lead = accepted[0]
    rest = [c for c in candidates if c is not lead]
    citations = [_citation(1, lead.passage)]
    for candidate in _pick_supporting(lead, rest, policy):
        citations.append(_citation(len(citations) + 1, candidate.passage))
    lines = [_snippet_line(citations[0])]
    lines += [f"Also: {_snippet_line(c)}" for c in citations[1:]]
    newer = [c for c in citations[1:] if _newer_article(c.article, lead.passage.article)]
    if newer:
        refs = ", ".join(f"[{c.n}] ({date_label(c.article)})" for c in newer)
        lines.append(f"Newer coverage than [1]: {refs}.")
    return Answer(
        question=question,
        text="\n".join(lines),
        citations=citations,
        abstained=False,
        newer=[c.article for c in newer],
    )
