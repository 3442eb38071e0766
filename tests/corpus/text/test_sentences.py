from __future__ import annotations

from corpus.text.sentences import excerpt, sentence_spans


def pieces(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text)]


def test_splits_on_terminal_punctuation_and_line_breaks() -> None:
    text = "Exports fell. Imports rose!\nA new rule came?  Yes."
    assert pieces(text) == ["Exports fell.", "Imports rose!", "A new rule came?", "Yes."]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "U.S. Commerce Secretary spoke on Aug. 26 about Huawei Co. Ltd. rules. Then J. Smith left."
    assert pieces(text) == [
        "U.S. Commerce Secretary spoke on Aug. 26 about Huawei Co. Ltd. rules.",
        "Then J. Smith left.",
    ]


def test_decimal_numbers_and_lower_case_continuations_stay_inside() -> None:
    text = "The fund holds 17.44% of shares. e.g. this stays. It grew 3.5 times."
    assert pieces(text) == ["The fund holds 17.44% of shares. e.g. this stays.", "It grew 3.5 times."]


def test_spans_are_offsets_into_the_original_text() -> None:
    text = "  First one.   Second one.\n\n Third"
    for span in sentence_spans(text):
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece in text
    assert sentence_spans(text, 14)[0].start == 15


def test_excerpt_marks_left_out_text_with_an_ellipsis() -> None:
    text = "Alpha one. Beta two. Gamma three.\nDelta four."
    start = text.index("Beta")
    end = start + len("Beta two.")
    assert excerpt(text, start, end) == "…Beta two.…"
    assert excerpt(text, 0, len("Alpha one.")) == "Alpha one.…"
    delta = text.index("Delta")
    assert excerpt(text, delta, len(text)) == "Delta four."
    gamma = text.index("Gamma")
    assert excerpt(text, gamma, delta - 1) == "…Gamma three."


def test_excerpt_marks_a_stored_text_that_stops_mid_sentence() -> None:
    cut = "Alpha one.\nThe rules cover chips for AI applica"
    start = cut.index("The")
    assert excerpt(cut, start, len(cut)) == "The rules cover chips for AI applica…"
    # A text that ends as a sentence, or a quote that stops before the end, gets no such mark.
    assert excerpt("Alpha one.\nThe rules took effect.", 11, 33) == "The rules took effect."
    assert excerpt(cut, 0, len("Alpha one.")) == "Alpha one."


def test_a_stored_page_s_date_line_is_no_part_of_any_sentence() -> None:
    text = " date 2024-11-10 TSMC was told to halt shipments. It did.\nA date 2024-11-10 memo.\ndate 2019-08-20 © AP"
    assert pieces(text) == ["TSMC was told to halt shipments.", "It did.", "A date 2024-11-10 memo.", "© AP"]
