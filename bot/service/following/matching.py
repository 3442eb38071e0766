"""New articles -> the follows they belong to: topic relevance over a floor, never bare keywords.

Each distinct topic is scored once per batch, however many channels follow it. A follow limited
to an outlet takes an article from that outlet, or one with a syndicated copy from it.
``already_covered`` tells a new follow what it would have posted from the index as it stands.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.relevance import Relevance
from bot.service.following.types import Follow, StoryCard
from corpus.text.sentences import sentence_spans
from corpus.text.words import tokens
from corpus.types import Article
from index.fusion import newest_dated

LEAD_MIN_WORDS = 6  # a shorter first "sentence" is a dateline or a caption, not the lead
LEAD_MAX_CHARS = 400


def lead_sentence(article: Article) -> str:
    """The article's first real sentence, verbatim (not its headline repeated, not a dateline)."""
    title = tokens(article.title or "")
    for span in sentence_spans(article.text):
        sentence = article.text[span.start : span.end]
        words = tokens(sentence)
        if len(words) >= LEAD_MIN_WORDS and words != title and len(sentence) <= LEAD_MAX_CHARS:
            return sentence
    return ""


def story_card(article: Article, score: float) -> StoryCard:
    others = [alt.source for alt in article.alternates if alt.source and alt.source != article.source]
    return StoryCard(
        article_id=article.id,
        title=(article.title or "").strip() or f"An article from {article.source}",
        url=article.canonical_url or article.url,
        source=article.source,
        published=article.published.isoformat() if article.published else None,
        lead=lead_sentence(article),
        also=tuple(dict.fromkeys(others)),
        score=round(score, 4),
        digest=article.is_digest,
    )


def from_outlet(article: Article, source: str | None) -> bool:
    if not source:
        return True
    outlets = [article.source, *(alt.source for alt in article.alternates)]
    return any(o == source or o.endswith("." + source) for o in outlets if o)


def already_covered(found: Sequence[tuple[Article, float]], source: str | None) -> list[Article]:
    """The stories already indexed that a follow of a topic would have posted, newest first (undated
    last): ``found`` is the topic's articles over the floor (``Timelines.relevant``), ``source`` the
    follow's outlet. A new follow's reply shows them, so its wording can be judged before any alert."""
    kept = [article for article, _ in found if from_outlet(article, source)]
    undated = sorted((a for a in kept if a.published is None), key=lambda a: a.id, reverse=True)
    return newest_dated(kept) + undated


class FollowMatcher:
    def __init__(self, relevance: Relevance, floor: float) -> None:
        self.relevance = relevance
        self.floor = floor

    def match(self, follows: Sequence[Follow], articles: Sequence[Article]) -> list[tuple[Follow, StoryCard]]:
        """(follow, story) for every article at or over the floor for the follow's topic."""
        if not follows or not articles:
            return []
        self.relevance.prepare([follow.topic for follow in follows])
        scores: dict[str, list[float]] = {}
        for follow in follows:
            key = follow.topic.lower()
            if key not in scores:
                scores[key] = self.relevance.scores(follow.topic, articles)
        matches = []
        for follow in follows:
            for article, score in zip(articles, scores[follow.topic.lower()]):
                if score >= self.floor and from_outlet(article, follow.source):
                    matches.append((follow, story_card(article, score)))
        return matches
