from __future__ import annotations

from datetime import date

import pytest

from bot.service.asking import BadOption, parse_since

TODAY = date(2025, 3, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("  ", None),
        ("2025-01-15", date(2025, 1, 15)),
        ("30d", date(2025, 3, 1)),
        ("2w", date(2025, 3, 17)),
        ("6 months", date(2024, 10, 2)),
        ("1y", date(2024, 3, 31)),
    ],
)
def test_parse_since(text: str | None, expected: date | None) -> None:
    assert parse_since(text, TODAY) == expected


def test_parse_since_explains_what_it_expects() -> None:
    with pytest.raises(BadOption, match="30d"):
        parse_since("last week-ish", TODAY)
