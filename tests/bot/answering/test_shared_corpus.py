"""The answer goals on the shared dev questions, with the real embedding model (slow, still run by default)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering.answer_figures import answer_figures, load_questions
from bot.answering.answerer import Answerer
from bot.answering.types import Answer
from bot.service.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def dev_answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[dict], list[Answer], Answerer]]:
    from tests.conftest import SHARED_CORPUS

    corpus = SHARED_CORPUS / "chip_trade_news.jsonl"
    if not corpus.is_file():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS} (set CHIPBOT_SHARED_CORPUS)")
    from bot.service.wiring import make_settings_embedder
    from corpus.pipeline import ingest
    from corpus.store import open_store
    from index.builder import update_index
    from index.search import Index

    data_dir = tmp_path_factory.mktemp("dev-index")
    settings = Settings.from_env(data_dir=data_dir, env={"HF_HUB_OFFLINE": "1"})
    embedder = make_settings_embedder(settings)
    with open_store(data_dir) as store:
        ingest([str(corpus)], store)
        update_index(data_dir, store, embedder)
    answerer = Answerer(Index.open(data_dir, embedder))
    questions = load_questions(SHARED_CORPUS / "dev_questions.jsonl")
    yield questions, [answerer.answer(q["question"]) for q in questions], answerer


def test_every_quote_is_a_verbatim_span_of_its_article(dev_answers: tuple) -> None:
    questions, answers, _ = dev_answers
    quotes = 0
    for answer in answers:
        for citation in answer.citations:
            assert citation.quote and citation.article.text[citation.start : citation.end] == citation.quote
            assert citation.quote in citation.article.text
            quotes += 1
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        for citation in answer.citations:
            assert f"[{citation.n}]" in answer.text
    assert quotes >= len(questions) - 7


def test_unanswerable_questions_get_an_abstention_naming_close_topics(dev_answers: tuple) -> None:
    questions, answers, _ = dev_answers
    none = [a for q, a in zip(questions, answers) if q["article_id"] is None]
    abstained = [a for a in none if a.abstained]
    assert len(abstained) >= 6
    for answer in abstained:
        # all 147 shared articles are indexed: none is lost to a false near-duplicate fold
        assert answer.text.startswith("None of the 147 indexed articles covers this.")
        assert answer.related_topics and answer.citations == []


def test_dev_goals(dev_answers: tuple, shared_corpus: Path) -> None:
    questions, _, answerer = dev_answers
    figures = answer_figures(answerer, questions)
    assert figures.wrongly_abstained <= 0.05
    assert figures.abstention_recall >= 6 / 7
    # The goal is 90% (measured 91.9%); this floor catches regressions in lead selection and ranking.
    assert figures.cited_first_and_evidence >= 0.90, figures.failures
