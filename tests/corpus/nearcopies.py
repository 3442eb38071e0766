"""Synthetic near-copies of an article, for measuring near-duplicate detection: the same story as another
site would run it, with its own first line (a new headline or dateline) and a boilerplate tail.

Made at run time from the articles being measured; nothing is stored.
"""

from __future__ import annotations

HEADLINES = (
    "UPDATED | Wire report, republished with permission",
    "Trade desk: what you need to know today",
    "From our partners at the regional business wire",
)
TAILS = (
    "Subscribe to our newsletter for daily updates on trade policy and markets. "
    "Copyright 2025 Asia Tech Daily. All rights reserved. Read more: chip export rules explained.",
    "This article was originally published by a partner outlet. Share this story on social media. "
    "Related: Semiconductor stocks fall; Tariff talks resume next week.",
    "Advertisement. Sign up for our free weekly briefing and never miss a story. "
    "Follow us for more news about technology, trade and markets.",
)


FIRST_LINE_CHARS = 160  # a headline or dateline; a longer first "line" is a paragraph, cut at a word


def near_copy(text: str, variant: int) -> str:
    """``text`` with its first line replaced and a boilerplate tail added (``variant`` picks which)."""
    first = text.partition("\n")[0]
    if len(first) > FIRST_LINE_CHARS:
        first = first[:FIRST_LINE_CHARS].rsplit(" ", 1)[0]
    body = text[len(first) :]
    return f"{HEADLINES[variant % len(HEADLINES)]}\n\n{body.strip()}\n\n{TAILS[variant % len(TAILS)]}"
