from __future__ import annotations

import numpy as np

from corpus.text.words import FTS5Stemmer
from index import keyword
from index.keyword import keyword_search
from index.postings import tokenize


def test_bm25_prefers_rare_matches_and_title_weight_counts() -> None:
    postings = tokenize(
        [
            (1, "Chip news", "China and the US argued about chips again."),
            (2, "Entity List", "BIS added Inspur subsidiaries to the Entity List."),
            (3, "Inspur", "A note on servers."),
        ]
    )
    stemmer = FTS5Stemmer()
    ranked = keyword_search(postings, stemmer, "Which Inspur subsidiaries were added?", 3, title_weight=1.0)
    assert ranked[0][0] == 2 and ranked[0][1] > ranked[-1][1] and len(ranked) == 2
    by_title = keyword_search(postings, stemmer, "Inspur", 3, title_weight=10.0)
    assert by_title[0][0] == 3
    assert keyword_search(postings, stemmer, "the of and", 3, title_weight=1.0) == []


def test_limit_allowed_and_ties_are_repeatable() -> None:
    postings = tokenize([(vid, "", "gallium controls") for vid in (9, 4, 7, 1)] + [(5, "", "other words")])
    stemmer = FTS5Stemmer()
    assert [v for v, _ in keyword_search(postings, stemmer, "gallium", 3, title_weight=1.5)] == [1, 4, 7]
    got = keyword_search(
        postings, stemmer, "gallium", 10, title_weight=1.5, allowed=lambda docs: np.asarray(postings.vids)[docs] != 4
    )
    assert [v for v, _ in got] == [1, 7, 9]


def test_term_cap_is_read_at_call_time(monkeypatch) -> None:
    postings = tokenize([(i, "", "chips " * i) for i in range(1, 21)])
    monkeypatch.setattr(keyword, "TERM_CAP", 5)
    capped = keyword_search(postings, FTS5Stemmer(), "chips", 20, title_weight=1.5)
    assert [v for v, _ in capped] == [20, 19, 18, 17, 16]  # the word's five best postings


def test_filters_that_pass_the_best_hits_or_only_the_worst_give_the_exact_top() -> None:
    postings = tokenize([(vid, "", "chips " * (vid % 7 + 1) + "filler " * (vid % 5)) for vid in range(1, 301)])
    stemmer = FTS5Stemmer()
    everything = keyword_search(postings, stemmer, "chips", 300, title_weight=1.5)
    vids = np.asarray(postings.vids)
    for name, wanted in {
        "most pass": lambda v: v % 10 != 0,
        "only the worst pass": lambda v: v % 7 == 0,
        "none pass": lambda v: v < 0,
    }.items():
        got = keyword_search(
            postings, stemmer, "chips", 10, title_weight=1.5, allowed=lambda d, wanted=wanted: wanted(vids[d])
        )
        assert got == [hit for hit in everything if wanted(hit[0])][:10], name


def test_a_pasted_passage_is_scored_on_its_rarest_words(monkeypatch) -> None:
    common = " ".join(f"common{i}" for i in range(40))
    postings = tokenize([(1, "", common + " gallium"), (2, "", common), (3, "", common + " filler")])
    monkeypatch.setattr(keyword, "MAX_TERMS", 1)
    got = keyword_search(postings, FTS5Stemmer(), common + " gallium", 3, title_weight=1.5)
    assert [v for v, _ in got] == [1]  # only "gallium", the rarest word, was scored
    monkeypatch.setattr(keyword, "MAX_TERMS", 100)
    assert len(keyword_search(postings, FTS5Stemmer(), common + " gallium", 3, title_weight=1.5)) == 3
