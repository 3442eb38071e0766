"""`latest(topic)`: a relevance floor first, then the newest: a rare topic's only article is listed
however old it is, newer nearby stories are not, and a topic the index does not cover lists nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from index.fusion import TopicFloor
from index.search import Index

from .fakes import MemoryStore, make_article

NEWER = [
    make_article(
        f"n{i}",
        f"Officials reviewed export licences for chip equipment shipments, report number {i}.\n"
        f"The rules on semiconductor exports were discussed again in meeting {i}.",
        title=f"Chip export licence review {i}",
        published=date(2025, 1, 1 + i),
    )
    for i in range(14)
]
RAPIDUS = make_article(
    "rapidus",
    "Rapidus started building its 2nm pilot line in Chitose, Hokkaido.\n"
    "The Japanese government pledged more subsidies to the Rapidus foundry venture.",
    title="Rapidus builds 2nm pilot line in Hokkaido",
    published=date(2019, 6, 1),
)


def index_of(data_dir: Path) -> Index:
    update_index(data_dir, MemoryStore([*NEWER, RAPIDUS]), HashEmbedder())
    return Index.open(data_dir, HashEmbedder())


def test_a_topic_with_a_single_article_shows_it_and_nothing_merely_nearby(data_dir: Path) -> None:
    index = index_of(data_dir)
    assert [a.id for a in index.latest(10, topic="Rapidus 2nm pilot line in Hokkaido")] == ["rapidus"]
    # Without the floor (sorting the pool by date) the old article is pushed out by newer ones:
    hits = index.search("Rapidus 2nm pilot line in Hokkaido", k=30).hits
    unfloored = sorted((h.article for h in hits if h.article.published), key=lambda a: a.published, reverse=True)
    assert "rapidus" not in [a.id for a in unfloored[:10]]


def test_a_covered_topic_lists_its_articles_newest_first(data_dir: Path) -> None:
    listed = index_of(data_dir).latest(5, topic="chip export licence review")
    assert [a.id for a in listed] == ["n13", "n12", "n11", "n10", "n9"]


def test_a_topic_the_index_does_not_cover_lists_nothing(data_dir: Path) -> None:
    index = index_of(data_dir)
    assert index.latest(10, topic="football transfer window") == []
    assert index.latest(10, topic="Tesla robotaxi") == []
    assert len(index.latest(3)) == 3  # without a topic: simply the newest


def test_the_floor_follows_the_embedder_unless_given() -> None:
    assert TopicFloor.for_backend("hash").min_dense < TopicFloor.for_backend("onnx").min_dense
    assert TopicFloor.for_backend("onnx") == TopicFloor.for_backend("torch") == TopicFloor()
