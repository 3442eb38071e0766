"""Word forms, acronyms and names in questions; dense re-scoring of candidate quotes."""

from __future__ import annotations

import numpy as np

from bot.answering.evidence import Passage
from bot.answering.semantic import SemanticReranker, SemanticTuning
from bot.answering.terms import acronym_pattern, entities
from corpus.text.words import tokens
from corpus.types import Article


def test_word_forms_of_one_word_share_a_term() -> None:
    assert tokens("approved approval approves") == ["approv"] * 3
    assert tokens("restrict restrictions restricted") == ["restrict"] * 3
    assert tokens("licence licenses") == ["licens"] * 2
    assert tokens("fell sold") == tokens("fall sell")
    assert tokens("U.S. 15% 1,500") == ["us", "15", "1500"]


def test_acronyms_match_their_spelled_out_form_only() -> None:
    assert acronym_pattern("CSIS").search("the Center for Strategic and International Studies said")
    assert acronym_pattern("R&D").search("tax credits for research and development")
    assert acronym_pattern("USTR").search("the U.S. Trade Representative")
    assert not acronym_pattern("CSIS").search("Cases in sis")
    assert acronym_pattern("Nvidia") is None


def test_a_capitalised_first_word_is_not_a_name_but_acronyms_and_phrases_are() -> None:
    assert entities("Apart from China, which countries were listed?") == ["China"]
    assert entities("ASML sales guidance?") == ["ASML"]
    assert entities("Tata Electronics subsidy?") == ["Tata Electronics"]


class _Embedder:
    """Texts mentioning 'shares' point one way, everything else the other."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(texts)
        return np.array([[1.0, 0.0] if "share" in t.lower() else [0.0, 1.0] for t in texts], dtype=np.float32)


def test_reranker_prefers_the_runner_up_that_means_the_same_and_caches_vectors() -> None:
    text = "Nvidia and AMD agreed to the levy. Shares fell 2% on Monday."
    article = Article("a", "u", "u", "t", "s.example", None, text)
    lexical_best = Passage(article, 0, 34, 0.5, 0.5, 0.5, 0.5, ())
    runner_up = Passage(article, 35, len(text), 0.4, 0.2, 0.5, 0.5, ())
    passage = Passage(article, 0, 34, 0.5, 0.5, 0.5, 0.5, (), runners_up=(runner_up,))
    embedder = _Embedder()
    reranker = SemanticReranker(embedder, SemanticTuning(weight=0.25, windows=2))
    [best] = reranker.rescore("How far did the shares drop?", [passage])
    assert (best.start, best.end) == (35, len(text)) and best.quote == "Shares fell 2% on Monday."
    assert best.score == lexical_best.score - 0.1 + 0.25
    reranker.rescore("How far did the shares drop?", [passage])
    assert embedder.calls[1] == ["How far did the shares drop?"]  # window vectors came from the cache


def test_reranker_cache_is_safe_from_many_threads_at_once() -> None:
    """Answers run in worker threads; a tiny cache makes them evict each other's window vectors."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    articles = [
        Article(f"a{i}", "u", "u", "t", "s.example", None, f"Shares fell {i}%. Other news {i}.") for i in range(40)
    ]
    passages = [Passage(a, 0, len(a.text.split(".")[0]) + 1, 0.5, 0.5, 0.5, 0.5, ()) for a in articles]
    reranker = SemanticReranker(_Embedder(), SemanticTuning(weight=0.25, windows=1, cache_size=2))
    expected = [reranker.rescore("How far did the shares drop?", [p])[0].score for p in passages]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(
                pool.map(lambda p: reranker.rescore("How far did the shares drop?", [p])[0].score, passages * 20)
            )
    finally:
        sys.setswitchinterval(interval)
    assert got == expected * 20


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
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(tokens, texts))
    finally:
        sys.setswitchinterval(interval)
    assert results == [tokens(text) for text in texts]
    assert all(len(result) == 400 for result in results)
