from __future__ import annotations

import pytest

from corpus.text.words import FTS5Stemmer, content_terms, keyword_words, stem, tokens, words


def test_keyword_words_keep_names_models_and_numbers() -> None:
    words = keyword_words("How many Nvidia A100 GPUs were exported to China in 2024, according to the DOJ?")
    assert words == ["nvidia", "a100", "gpus", "exported", "china", "2024", "doj"]
    assert keyword_words("What is the?") == []


def test_content_terms_drop_stopwords_and_question_words_and_stem_the_rest() -> None:
    assert content_terms("When did the U.S. revoke the licences it sold?") == ["us", "revok", "licens", "sell"]
    assert content_terms("H20 vs H200") == content_terms("H20 versus H200") == ["h20", "h200"]


def test_the_fts5_stemmer_stems_as_the_index_does() -> None:
    stemmer = FTS5Stemmer()
    words = ["exported", "exports", "rules", "café", "h20"]
    assert stemmer.stems(words) == ["export", "export", "rule", "cafe", "h20"]
    assert stemmer.stems(["exports"]) == ["export"]  # from the cache
    assert stemmer.stems([]) == []
    small = FTS5Stemmer(cache_size=2)  # a full cache is emptied, never consulted half-way
    assert small.stems(["exports", "rules", "chips"]) == ["export", "rule", "chip"]
    assert small.stems(["rules", "licences"]) == ["rule", "licenc"]


AGREE = [
    ["export", "exports", "exported", "exporting"],
    ["restrict", "restricted", "restriction", "restrictions"],
    ["approve", "approved", "approval"],
    ["tariff", "tariffs"],
    ["subsidy", "subsidies"],
]
ANSWERS_FOLD_FURTHER = [["sell", "sold"], ["licence", "license"], ["revoke", "revocation"], ["buy", "bought"]]


@pytest.mark.parametrize("forms", AGREE)
def test_both_stemmers_fold_regular_inflections_alike(forms: list[str]) -> None:
    assert len(set(FTS5Stemmer().stems(forms))) == 1
    assert len({stem(w) for w in forms}) == 1


@pytest.mark.parametrize("forms", ANSWERS_FOLD_FURTHER)
def test_the_answer_stemmer_also_folds_irregular_and_british_forms(forms: list[str]) -> None:
    assert len({stem(w) for w in forms}) == 1
    assert len(set(FTS5Stemmer().stems(forms))) == 2  # porter keeps them apart: the index's business


def test_word_forms_of_one_word_share_a_term() -> None:
    assert tokens("approved approval approves") == ("approv",) * 3
    assert tokens("restrict restrictions restricted") == ("restrict",) * 3
    assert tokens("licence licenses") == ("licens",) * 2
    assert tokens("fell sold") == tokens("fall sell")
    assert tokens("U.S. 15% 1,500") == ("us", "15", "1500")


def test_stemming_is_safe_from_many_threads_at_once() -> None:
    """Answers run in worker threads; a shared Snowball stemmer corrupts its state under contention."""
    import random
    import string
    import sys
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(7)
    texts = [
        " ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 14))) + "ational" for _ in range(400))
        for _ in range(16)
    ]
    expected = [tokens(text) for text in texts]
    for cached in (tokens, words, stem):  # compute again, this time in threads
        cached.cache_clear()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(tokens, texts))
    finally:
        sys.setswitchinterval(interval)
    assert results == expected
    assert all(len(result) == 400 for result in results)
