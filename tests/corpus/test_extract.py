from __future__ import annotations

from pathlib import Path

from corpus.clean import clean_page_text
from corpus.extract import extract_html, extract_text_dump, split_front_matter

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_real_page_dump_keeps_the_whole_body_and_drops_the_furniture(shared_corpus: Path) -> None:
    raw = (shared_corpus / "raw" / "h200_approvals_page_dump.txt").read_text(encoding="utf-8")
    cleaned = clean_page_text(raw)
    start = cleaned.text.index("China’s three largest technology firms have received Beijing’s approval")
    assert cleaned.text.endswith("more capable homegrown AI chips.")
    body = raw[raw.index("China’s three largest") : raw.index("homegrown AI chips.") + len("homegrown AI chips.")]
    paragraphs = [
        p.strip()
        for p in body.split("\n\n")
        if p.strip() and p.strip() != "\u00a0" and not p.strip().startswith("Also on AF")
    ]
    for paragraph in paragraphs:  # every body paragraph survives verbatim
        assert paragraph in cleaned.text[start:]
    for junk in (
        "fbpx",
        "Type to search",
        "Photo: Reuters",
        "In this photo illustration",
        "Also on AF",
        "Also read",
        "Nvidia Asks Chinese Buyers to Pay Upfront",
        "Reuters, with additional editing",
        "Multimedia and Social Media Editor",
        "Vishakha Saxena",
        "email",
    ):
        assert junk not in cleaned.text, junk
    assert cleaned.title == "ByteDance, Alibaba Get Beijing Nod to Buy Nvidia’s H200 Chips"


def test_cleaner_rules_are_general() -> None:
    raw = "\n\n".join(
        [
            "Skip to content",
            "Menu",
            "Subscribe",
            "Taiwan Tightens Rules on Chip Engineers Leaving for China",
            "Workers walk past a fab in Hsinchu\nPhoto: AFP via Getty Images",
            "Taiwan will require approval before senior chip engineers take jobs in mainland China, officials said.",
            "Also on Chip Wire: Korea plans new fab subsidies",
            "The rule applies to staff of firms that received state research funding.",
            "We use cookies to personalise content. By continuing to browse you agree.",
            "(Reporting by A. Reporter; Editing by B. Editor)",
            "Related stories:",
            "Korea plans new fab subsidies",
            "Japan widens tool controls",
            "Lee Min",
            "Lee Min is a correspondent for Chip Wire covering Taiwan. Follow her on social media.",
        ]
    )
    cleaned = clean_page_text(raw)
    assert cleaned.title == "Taiwan Tightens Rules on Chip Engineers Leaving for China"
    assert cleaned.text == (
        "Taiwan will require approval before senior chip engineers take jobs in mainland China, officials said."
        "\n\nThe rule applies to staff of firms that received state research funding."
    )


def test_cleaner_keeps_subheadings_inside_the_body() -> None:
    raw = "A first paragraph that is long enough to be prose here.\n\nOutlook\n\nA second paragraph follows it."
    assert clean_page_text(raw).text == raw


def test_html_extraction_drops_navigation_cookie_banner_related_links_and_footer() -> None:
    found = extract_html((FIXTURES / "article.html").read_text(encoding="utf-8"))
    assert found.title == "Dutch Tool Maker Faces New Limits on China Servicing"
    assert found.published == "2025-03-14" and found.author == "Marta Visser" and found.site_name == "Chip Ledger"
    assert found.url == "https://chipledger.example/2025/03/14/dutch-tool-maker-servicing-limits/"
    assert found.text.startswith("The Netherlands said on Friday")
    assert found.text.endswith("according to a Sept. 1 note from a brokerage cited by the ministry.")
    for junk in (
        "cookies",
        "Home",
        "Subscribe",
        "Related stories",
        "Japan widens list",
        "All rights reserved",
        "Privacy policy",
    ):
        assert junk not in found.text, junk


def test_front_matter_yaml_and_toml() -> None:
    meta, body = split_front_matter("---\ntitle: A: B\nurl: 'https://x.example/a'\n---\nBody text.")
    assert meta == {"title": "A: B", "url": "https://x.example/a"} and body == "Body text."
    meta, body = split_front_matter('+++\ntitle = "T"\npublished = 2025-01-02\n+++\nBody.')
    assert meta == {"title": "T", "published": "2025-01-02"} and body == "Body."
    assert split_front_matter("No front matter.\n---\n") == ({}, "No front matter.\n---\n")


def test_markdown_heading_becomes_the_title() -> None:
    found = extract_text_dump("# Chip Tariff Delayed\n\nThe tariff decision was pushed back a month, officials said.")
    assert found.title == "Chip Tariff Delayed"
    assert found.text == "The tariff decision was pushed back a month, officials said."
