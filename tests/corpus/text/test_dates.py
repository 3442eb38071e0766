from __future__ import annotations

import re

import pytest

from corpus.text.dates import MAX_SPAN_DAYS, MONTH_PATTERN, month_number, month_pattern, parse_span


@pytest.mark.parametrize(
    ("text", "days"),
    [("30d", 30), ("2w", 14), ("2 weeks", 14), ("6m", 180), ("6 months", 180), ("1y", 365), ("a year", 365),
     ("three days", 3), ("9999y", None), ("0d", None), ("soon", None), ("", None), ("12x", None)],
)  # fmt: skip
def test_parse_span(text: str, days: int | None) -> None:
    assert parse_span(text) == days


def test_spans_are_bounded() -> None:
    assert parse_span(f"{MAX_SPAN_DAYS}d") == MAX_SPAN_DAYS
    assert parse_span(f"{MAX_SPAN_DAYS + 1}d") is None


def test_one_month_table_reads_names_abbreviations_and_dots() -> None:
    assert [month_number(m) for m in ["January", "feb", "Sept.", "sep", "December", "Dec.", "Mayday"]] == [
        1, 2, 9, 9, 12, 12, None,
    ]  # fmt: skip
    assert re.fullmatch(MONTH_PATTERN, "September", re.I) and re.fullmatch(MONTH_PATTERN, "aug.", re.I)
    capitalised = re.compile(rf"\b{month_pattern(capitalised=True)}")
    assert capitalised.findall("In May, rules may change; by Aug. 26 they did.") == ["May", "Aug."]
