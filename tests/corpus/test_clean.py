from __future__ import annotations

from corpus.clean import clean_page_text, strip_furniture

BODY = [
    "Malaysia will require permits for exports of US-made AI chips, the trade ministry said on Monday.",
    "Workers at a plant in Penang. Photo: a caption the article keeps",
    "The rule takes effect at once and covers transit shipments too.",
]


def test_labels_and_a_page_end_widget_leave_a_record_s_text() -> None:
    text = "\n\n".join(
        [
            "Skip to main content",
            BODY[0],
            "ADVERTISEMENT",
            BODY[1],
            BODY[2],
            "(Reporting by A. Reporter; Editing by B. Editor)",
            "Don’t miss these",
            "  • Best gaming graphics card deals 2025",
            "  • Best Gaming PC Deals 2025",
        ]
    )
    assert strip_furniture(text) == "\n\n".join(BODY)


def test_other_stories_teasers_after_you_might_also_like_go_with_it() -> None:
    teaser = "This post analyzes how courts abroad enforce judgments, which is another story entirely."
    text = "\n\n".join([*BODY, "You might also like", "Courts Abroad and Chinese Judgments", teaser])
    assert strip_furniture(text) == "\n\n".join(BODY)
    assert clean_page_text(text).text == "\n\n".join(BODY)  # a scraped page loses it too


def test_what_only_looks_like_furniture_stays() -> None:
    copyright_sentence = "Copyright protection for chip layout designs was part of the bill that the Senate passed."
    early_heading = "Trending"  # a section label near the top is no page-end widget: nothing after it goes
    text = "\n\n".join([early_heading, BODY[0], copyright_sentence, BODY[2], BODY[1]])
    assert strip_furniture(text) == text


def test_the_result_is_verbatim_the_record_s_lines() -> None:
    text = "\n".join(["Menu", BODY[0], "", BODY[2], "Print"])
    cleaned = strip_furniture(text)
    assert cleaned == f"{BODY[0]}\n\n{BODY[2]}"
    assert all(line in text for line in cleaned.split("\n"))
