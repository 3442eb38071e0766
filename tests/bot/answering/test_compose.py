from __future__ import annotations

from datetime import date

from bot.answering.abstain import AbstainPolicy
from bot.answering.compose import Candidate, compose
from bot.answering.evidence import Passage
from corpus.types import Article, Chunk
from index.types import Hit
from tests.bot.fakes import make_article

POLICY = AbstainPolicy()


def candidate(
    article: Article, sentence: str, *, coverage: float = 0.8, missing: tuple[str, ...] = (), rank: float = 1.0
) -> Candidate:
    start = article.text.index(sentence)
    end = start + len(sentence)
    passage = Passage(article, start, end, coverage, coverage, coverage, coverage, missing)
    chunk = Chunk(f"{article.id}:0", article.id, 0, 0, len(article.text), article.text)
    return Candidate(Hit(article=article, chunk=chunk, score=rank), passage, rank)


OLD = make_article("old", "Rule A took effect in May. It covers lasers.", published=date(2024, 5, 1), title="Rule A")
NEW = make_article("new", "Rule A was widened in June. Lasers too.", published=date(2025, 6, 1), title="Rule A widened")
UNDATED = make_article("undated", "Rule A is discussed here.", title=None, source="blog.example")


def test_newer_relevant_coverage_is_cited_and_pointed_to() -> None:
    answer = compose(
        "When did rule A take effect?",
        [candidate(OLD, "Rule A took effect in May."), candidate(NEW, "Rule A was widened in June.", rank=0.9)],
        article_count=3,
        policy=POLICY,
    )
    assert [c.article.id for c in answer.citations] == ["old", "new"]
    assert answer.newer == [NEW]
    assert answer.text.splitlines() == [
        "“Rule A took effect in May.…” [1] (2024-05-01)",
        "Also: “Rule A was widened in June.…” [2] (2025-06-01)",
        "Newer coverage than [1]: [2] (2025-06-01).",
    ]


def test_weak_supporting_snippets_and_repeated_articles_are_left_out() -> None:
    answer = compose(
        "q?",
        [
            candidate(OLD, "Rule A took effect in May."),
            candidate(OLD, "It covers lasers."),
            candidate(NEW, "Lasers too.", coverage=0.3),
        ],
        article_count=3,
        policy=POLICY,
    )
    assert [c.article.id for c in answer.citations] == ["old"] and answer.newer == []


def test_lead_skips_a_top_candidate_that_never_names_the_subject() -> None:
    answer = compose(
        "q?",
        [
            candidate(OLD, "Rule A took effect in May.", coverage=0.6, missing=("Rapidus",)),
            candidate(NEW, "Rule A was widened in June.", coverage=0.6),
        ],
        article_count=3,
        policy=POLICY,
    )
    assert answer.citations[0].article.id == "new"


def test_abstention_names_the_closest_topics() -> None:
    answer = compose(
        "q?",
        [
            candidate(OLD, "Rule A took effect in May.", coverage=0.1),
            candidate(UNDATED, "Rule A is discussed here.", coverage=0.1),
        ],
        article_count=1,
        policy=POLICY,
    )
    assert answer.abstained and answer.citations == []
    assert answer.related_topics == ["Rule A", "an article from blog.example"]
    assert answer.text == (
        "None of the 1 indexed article covers this. "
        "The closest topics they do cover: Rule A; an article from blog.example."
    )
