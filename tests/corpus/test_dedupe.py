from __future__ import annotations

from corpus.dedupe import NearDuplicateIndex
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, syndicated_copy


def test_a_syndicated_copy_matches_and_another_story_does_not() -> None:
    index = NearDuplicateIndex()
    index.add("wire", index.signature(WIRE_STORY))
    index.add("other", index.signature(OTHER_STORY))
    match = index.query(index.signature(syndicated_copy()))
    assert match is not None and match.article_id == "wire" and 0.5 <= match.similarity < 1.0
    unrelated = "Chip tariffs were delayed again while negotiators met in Geneva to discuss rare earth supplies."
    assert index.query(index.signature(unrelated)) is None


def test_signatures_ignore_case_and_punctuation_and_round_trip_as_bytes() -> None:
    index = NearDuplicateIndex()
    sig = index.signature(WIRE_STORY)
    assert (index.signature(WIRE_STORY.upper().replace(",", "")) == sig).all()
    assert (NearDuplicateIndex.from_bytes(NearDuplicateIndex.to_bytes(sig)) == sig).all()
    assert index.signature(" ... ") is None


def test_removed_and_excluded_articles_are_not_matched() -> None:
    index = NearDuplicateIndex()
    sig = index.signature(WIRE_STORY)
    index.add("wire", sig)
    assert index.query(sig, exclude="wire") is None
    index.remove("wire")
    assert index.query(sig) is None
