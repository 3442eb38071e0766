from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.chunk import Chunker, chunk_article, default_chunker
from corpus.text.sentences import SentenceSplitter
from corpus.text.wordpieces import WordPieceCounter
from corpus.types import Article

WORDS = [
    "Nvidia",
    "export",
    "licence",
    "U.S.",
    "Sept. 1",
    "No. 2",
    "chips",
    "Beijing",
    "approved",
    "H200",
    "the",
    "of",
    "SMIC",
    "ASML",
    "tools",
    "Mr. Huang",
    "tariffs",
    "fab",
    "Dec. 2",
    "supercalifragilistic",
    "$5.6bn",
    "(BIS)",
    "“curbs”",
    "e.g.",
    "Huawei's",
]


def make_article(text: str, article_id: str = "t-1") -> Article:
    return Article(
        id=article_id,
        url="https://x.example/a",
        canonical_url="https://x.example/a",
        title="T",
        source="x.example",
        published=None,
        text=text,
    )


def count_words(texts: Sequence[str]) -> list[int]:
    return [len(t.split()) for t in texts]


sentence = (
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30)
    .map(lambda ws: " ".join(ws))
    .flatmap(lambda s: st.sampled_from([".", "!", "?", ""]).map(lambda p: s + p))
)
texts = st.lists(
    st.tuples(sentence, st.sampled_from([" ", "  ", "\n", "\n\n", " \n\n "])), min_size=1, max_size=25
).map(lambda parts: "".join(s + sep for s, sep in parts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, max_tokens=st.sampled_from([12, 40, 200]))
def test_chunk_spans_are_exact_cover_every_sentence_and_respect_the_budget(text: str, max_tokens: int) -> None:
    article = make_article(text)
    chunker = default_chunker()
    chunks = chunker.chunk(article, max_tokens)
    counter = WordPieceCounter()
    for i, chunk in enumerate(chunks):
        assert chunk.ordinal == i
        assert 0 <= chunk.start < chunk.end <= len(text)
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text.strip() == chunk.text != ""
        assert counter.count(chunk.text) <= max_tokens
    for span in SentenceSplitter().spans(text):  # every sentence (or a piece of a long one) is in a chunk
        covering = [c for c in chunks if c.start <= span.start < c.end]
        assert covering, f"sentence at {span} not covered"
    covered = set().union(*(range(c.start, c.end) for c in chunks)) if chunks else set()
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    again = chunker.chunk(article, max_tokens)
    assert [c.id for c in again] == [c.id for c in chunks]
    assert len({c.id for c in chunks}) == len(chunks)


def test_abbreviations_do_not_split_sentences() -> None:
    text = (
        "The U.S. told Nvidia on Sept. 1 that No. 2 rival AMD also needed a licence. "
        "Mr. Huang said Corp. sales in China fell. Beijing then acted."
    )
    spans = SentenceSplitter().spans(text)
    assert [text[s.start : s.end] for s in spans] == [
        "The U.S. told Nvidia on Sept. 1 that No. 2 rival AMD also needed a licence.",
        "Mr. Huang said Corp. sales in China fell.",
        "Beijing then acted.",
    ]


def test_lines_are_sentence_boundaries() -> None:
    text = "Balancing ambitions\n\nOfficials said chips were scarce. Prices rose."
    assert [text[s.start : s.end] for s in SentenceSplitter().spans(text)] == [
        "Balancing ambitions",
        "Officials said chips were scarce.",
        "Prices rose.",
    ]


def test_consecutive_chunks_overlap_by_one_sentence() -> None:
    text = " ".join(f"Sentence number {n} is here." for n in range(12))
    chunker = Chunker(SentenceSplitter(), count_words, max_sentences=3, overlap=1)
    chunks = chunker.chunk(make_article(text), max_tokens=100)
    assert [c.text.count("Sentence") for c in chunks] == [3, 3, 3, 3, 3, 2]  # stride of two sentences
    for prev, nxt in pairwise(chunks):
        assert nxt.start < prev.end
        assert text[nxt.start : prev.end] == prev.text.split(". ")[-1]


def test_a_long_sentence_is_cut_at_words_within_the_budget() -> None:
    text = " ".join(["word"] * 95) + "."
    chunks = Chunker(SentenceSplitter(), count_words).chunk(make_article(text), max_tokens=20)
    assert all(len(c.text.split()) <= 20 for c in chunks)
    assert " ".join(c.text for c in chunks) == text
    assert len(chunks) == 5


def test_ids_depend_on_article_and_text() -> None:
    a = chunk_article(make_article("Chips were approved. Exports resumed.", "one"))
    b = chunk_article(make_article("Chips were approved. Exports resumed.", "two"))
    c = chunk_article(make_article("Chips were blocked. Exports resumed.", "one"))
    assert a[0].id != b[0].id and a[0].id != c[0].id
    assert a[0].id == chunk_article(make_article("Chips were approved. Exports resumed.", "one"))[0].id


def test_empty_and_blank_text_give_no_chunks() -> None:
    assert chunk_article(make_article("")) == []
    assert chunk_article(make_article(" \n\n  ")) == []
