"""The labelled question set in eval/questions, resolved against the shared corpus."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from bot.service import labelled


def test_every_question_resolves_and_the_split_never_straddles_an_article(shared_corpus: Path) -> None:
    questions = labelled.load(corpus=shared_corpus)
    by_id = {q.id: q for q in questions}
    assert len(questions) >= 400
    kinds = defaultdict(int)
    for q in questions:
        kinds[q.kind] += 1
    assert kinds["paraphrased"] >= 120 and kinds["dated"] >= 60 and kinds["unanswerable"] >= 80
    assert kinds["followup"] >= 30 and sum(q.near_miss for q in questions) >= 50
    sides = defaultdict(set)
    for q in questions:
        for article_id, evidence in q.evidence.items():
            assert evidence and all(e.strip() for e in evidence), q.id
            sides[article_id].add(q.split)
        if q.follows:
            assert by_id[q.follows].split == q.split and by_id[q.follows].story == q.story
    assert all(len(s) == 1 for s in sides.values())
    assert {q.split for q in questions} == {"tune", "test"}


def test_the_shared_dev_format_reads_as_labelled_questions(shared_corpus: Path) -> None:
    questions = labelled.load_file(shared_corpus / "dev_questions.jsonl")
    rows = [json.loads(line) for line in (shared_corpus / "dev_questions.jsonl").open()]
    assert len(questions) == len(rows)
    assert sum(not q.answerable for q in questions) == sum(r["article_id"] is None for r in rows)
    first = questions[0]
    assert first.evidence == {rows[0]["article_id"]: (rows[0]["evidence"],)}


def test_evidence_is_found_again_in_text_whose_spacing_differs() -> None:
    assert labelled.locate("fee is 25%", "The fee is 25% now.") == (4, 14)
    assert labelled.locate("fee is\n25%", "The fee  is 25% now.") == (4, 15)
    assert labelled.locate("not there", "The fee is 25% now.") is None


def test_the_fresh_set_is_held_out_on_test_stories_only(shared_corpus: Path) -> None:
    fresh = labelled.load(labelled.FRESH, corpus=shared_corpus)
    with labelled.QUESTIONS.with_name("stories.jsonl").open(encoding="utf-8") as fh:
        split = {article: row["split"] for row in map(json.loads, fh) for article in row["articles"]}
    assert len(fresh) >= 60 and {q.split for q in fresh} == {"fresh"}
    assert sum(not q.answerable for q in fresh) >= 15 and all(q.near_miss for q in fresh if not q.answerable)
    answering = {article for q in fresh for article in q.evidence}
    assert answering and all(split[article] == "test" for article in answering)
    assert all(e.strip() for q in fresh for evidence in q.evidence.values() for e in evidence)


def test_no_question_file_repeats_eight_words_of_an_article(shared_corpus: Path) -> None:
    """The repo keeps evidence as offsets, never article text: no question, answer or note of any
    labelled file repeats eight consecutive words of a shared-corpus article."""

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    with (shared_corpus / "chip_trade_news.jsonl").open(encoding="utf-8") as fh:
        articles = [words(json.loads(line)["text"]) for line in fh]
    shingles = {tuple(w[i : i + 8]) for w in articles for i in range(len(w) - 7)}
    copied = []
    for path in sorted(labelled.QUESTIONS.parent.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for row in rows:
            for field in ("question", "answer", "note"):
                w = words(row.get(field) or "")
                if any(tuple(w[i : i + 8]) in shingles for i in range(len(w) - 7)):
                    copied.append(f"{path.name}:{row.get('id', row.get('story'))}:{field}")
    assert not copied, copied
