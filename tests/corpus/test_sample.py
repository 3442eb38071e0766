"""The bundled sample corpus: well-formed records, real-looking sources, and text in our own words."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from corpus.sample import SAMPLE_PATH

FIELDS = {"id", "url", "title", "published", "source", "text", "origin"}
MIN_WORDS = 12  # a sentence this long must not be copied from an article


def _records() -> list[dict[str, Any]]:
    lines = SAMPLE_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _sentences(text: str) -> list[str]:
    """Split after . ! or ? before a capital, digit or quote, but not after an initial such as "C.C."."""
    return [s for s in re.split(r"(?<!\b[A-Z]\.)(?<=[.!?])\s+(?=[A-Z0-9\"'])", text) if s.strip()]


def test_sample_path_points_at_the_bundled_file() -> None:
    assert Path(__file__).resolve().parents[2] / "corpus" / "sample" / "articles.jsonl" == SAMPLE_PATH
    assert SAMPLE_PATH.is_file()


def test_every_line_is_a_json_object_with_exactly_the_expected_fields() -> None:
    for number, line in enumerate(SAMPLE_PATH.read_text(encoding="utf-8").splitlines(), 1):
        record = json.loads(line)
        assert isinstance(record, dict), f"line {number}"
        assert set(record) == FIELDS, f"line {number}: {sorted(record)}"
        assert all(isinstance(record[name], str) and record[name].strip() for name in FIELDS), f"line {number}"


def test_about_thirty_records_with_unique_sequential_ids() -> None:
    ids = [record["id"] for record in _records()]
    assert 25 <= len(ids) <= 40
    assert all(re.fullmatch(r"sample-\d{2}", i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert ids == [f"sample-{n:02d}" for n in range(1, len(ids) + 1)]


def test_dates_are_iso_and_plausible() -> None:
    for record in _records():
        published = date.fromisoformat(record["published"])
        assert record["published"] == published.isoformat()
        assert date(2015, 1, 1) <= published <= date(2030, 12, 31), record["id"]


def test_urls_are_http_and_their_domain_is_the_source() -> None:
    for record in _records():
        parts = urlsplit(record["url"])
        assert parts.scheme in {"http", "https"}, record["id"]
        assert parts.hostname is not None
        host = parts.hostname.lower().removeprefix("www.")
        assert host == record["source"], (record["id"], host, record["source"])


def test_texts_are_short_digests() -> None:
    for record in _records():
        assert 300 <= len(record["text"]) <= 1500, (record["id"], len(record["text"]))
        assert 4 <= len(_sentences(record["text"])) <= 8, record["id"]


def test_urls_and_titles_are_not_repeated() -> None:
    records = _records()
    assert len({r["url"] for r in records}) == len(records)
    assert len({r["title"] for r in records}) == len(records)


def test_the_h200_approval_question_is_answerable() -> None:
    texts = [r["text"] for r in _records() if "H200" in r["text"]]
    assert any(all(name in text for name in ("ByteDance", "Alibaba", "Tencent")) for text in texts)


def test_records_point_at_dated_articles_of_the_shared_corpus(shared_corpus: Path) -> None:
    articles = {}
    for line in (shared_corpus / "chip_trade_news.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        articles[article["url"]] = article
    for record in _records():
        article = articles.get(record["url"])
        assert article is not None, f"{record['id']}: {record['url']} is not in the shared corpus"
        assert article["source"] == record["source"], record["id"]
        assert article["published"] == record["published"], record["id"]


def _corpus_words(shared_corpus: Path) -> str:
    lines = (shared_corpus / "chip_trade_news.jsonl").read_text(encoding="utf-8").splitlines()
    return " " + " ".join(" ".join(_words(json.loads(line)["text"])) for line in lines) + " "


def _copied_sentences(text: str, corpus_words: str) -> list[str]:
    """Sentences of ``text`` with MIN_WORDS+ words of which some run of MIN_WORDS words is in the corpus."""
    copied = []
    for sentence in _sentences(text):
        words = _words(sentence)
        runs = (" ".join(words[i : i + MIN_WORDS]) for i in range(len(words) - MIN_WORDS + 1))
        if any(f" {run} " in corpus_words for run in runs):
            copied.append(sentence)
    return copied


def test_copy_check_flags_verbatim_runs_and_ignores_paraphrase() -> None:
    source = "Beijing said on Tuesday that the new export rules apply to all gallium and germanium items."
    corpus = " " + " ".join(_words(source)) + " "
    copied = "Officials added that the new export rules apply to all gallium and germanium items from today."
    paraphrase = "According to officials, every gallium and germanium item falls under the export rules announced."
    assert _copied_sentences(f"{copied} {paraphrase}", corpus) == [copied]


def test_no_long_sentence_is_copied_from_the_shared_corpus(shared_corpus: Path) -> None:
    corpus_words = _corpus_words(shared_corpus)
    copied = [
        (record["id"], sentence)
        for record in _records()
        for sentence in _copied_sentences(record["text"], corpus_words)
    ]
    assert not copied, copied
