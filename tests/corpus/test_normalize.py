from __future__ import annotations

from datetime import date

import pytest

from corpus.normalize import (
    canonical_url,
    clean_text,
    content_hash,
    date_from_text,
    date_from_url,
    parse_date,
    source_domain,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Reuters.COM/tech/chips/?utm_source=x&utm_medium=y#top", "https://reuters.com/tech/chips"),
        ("http://example.com:80/a/b/", "https://example.com/a/b"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/news/story/amp", "https://example.com/news/story"),
        ("https://example.com/news/amp/story", "https://example.com/news/story"),
        ("https://amp.example.com/news/story.amp.html", "https://example.com/news/story.html"),
        ("https://example.com/a?id=7&fbclid=abc&gclid=1&page=2", "https://example.com/a?id=7&page=2"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://m.example.co.uk//x//y", "https://example.co.uk/x/y"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent_and_keeps_content_params() -> None:
    url = "https://www.example.com/article?id=42&utm_campaign=z"
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "id=42" in once


def test_source_domain_drops_www() -> None:
    assert source_domain("https://www.reuters.com/x") == "reuters.com"
    assert source_domain("https://stage.tradelawdaily.com/y") == "stage.tradelawdaily.com"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-08-10", date(2025, 8, 10)),
        ("2025-08-10T23:10:00Z", date(2025, 8, 10)),
        ("Aug. 10, 2025", date(2025, 8, 10)),
        ("Sept. 1, 2022", date(2022, 9, 1)),
        ("10 August 2025", date(2025, 8, 10)),
        ("Fri, 14 Mar 2025 08:30:00 GMT", date(2025, 3, 14)),
        ("2025-02-30", None),
        ("sometime last spring", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value: str | None, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_date_from_url() -> None:
    assert date_from_url("https://x.com/2025/08/10/chips-story/") == date(2025, 8, 10)
    assert date_from_url("https://x.com/news/20240102/story") == date(2024, 1, 2)
    assert date_from_url("https://x.com/html/1/59/153/5022.html") is None
    assert date_from_url("https://x.com/2025/13/40/bad") is None


def test_date_from_text_reads_datelines_near_the_top_only() -> None:
    assert date_from_text(" date 2025-11-19\n\nDutch minister...") == date(2025, 11, 19)
    assert date_from_text("THE HAGUE, Nov. 19, 2025 — The government said") == date(2025, 11, 19)
    assert date_from_text("No date here at all.") is None
    assert date_from_text("x " * 400 + "Jan. 5, 2024") is None


def test_clean_text_normalises_whitespace_only() -> None:
    assert clean_text("\ufeffA\u00a0b\r\n\r\n\r\n\r\nC  \n") == "A b\n\nC"


def test_content_hash_folds_case_and_whitespace() -> None:
    assert content_hash("Nvidia  H200\nchips") == content_hash("nvidia h200 chips")
    assert content_hash("Nvidia H200 chips") != content_hash("Nvidia H20 chips")
