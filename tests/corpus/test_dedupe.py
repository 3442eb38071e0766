from __future__ import annotations

from corpus.dedupe import NearDuplicateIndex, jaccard, shingles
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, syndicated_copy


def indexed(texts: dict[str, str]) -> NearDuplicateIndex:
    index = NearDuplicateIndex()
    for article_id, text in texts.items():
        signature = index.signature(text)
        assert signature is not None
        index.add(article_id, signature)
    return index


def test_a_syndicated_copy_matches_with_its_exact_similarity_and_another_story_does_not() -> None:
    texts = {"wire": WIRE_STORY, "other": OTHER_STORY}
    index = indexed(texts)
    copy = syndicated_copy()
    match = index.query(copy, texts.get)
    assert match is not None and match.article_id == "wire"
    assert match.similarity == jaccard(shingles(copy), shingles(WIRE_STORY)) and 0.5 <= match.similarity < 1.0
    unrelated = "Chip tariffs were delayed again while negotiators met in Geneva to discuss rare earth supplies."
    assert index.query(unrelated, texts.get) is None


def test_the_decision_is_the_exact_jaccard_not_the_estimate() -> None:
    """A candidate whose true similarity is under the threshold is never folded, whatever the bands say."""
    index = indexed({"wire": WIRE_STORY})
    half = " ".join(WIRE_STORY.split()[: len(WIRE_STORY.split()) // 3]) + " " + OTHER_STORY
    true = jaccard(shingles(half), shingles(WIRE_STORY))
    assert true < 0.5
    assert index.query(half, {"wire": WIRE_STORY}.get) is None


def test_signatures_ignore_case_and_punctuation_and_round_trip_as_bytes() -> None:
    index = NearDuplicateIndex()
    sig = index.signature(WIRE_STORY)
    assert sig is not None
    assert (index.signature(WIRE_STORY.upper().replace(",", "")) == sig).all()
    assert (index.from_bytes(index.to_bytes(sig)) == sig).all()
    assert index.from_bytes(b"\0" * 1024) is None  # an old-style signature is recomputed, never misread
    assert index.signature(" ... ") is None


def test_removed_excluded_and_vanished_articles_are_not_matched() -> None:
    texts = {"wire": WIRE_STORY}
    index = indexed(texts)
    assert index.query(WIRE_STORY, texts.get, exclude="wire") is None
    assert index.query(WIRE_STORY, {}.get) is None  # no longer stored
    index.remove("wire")
    assert index.query(WIRE_STORY, texts.get) is None
