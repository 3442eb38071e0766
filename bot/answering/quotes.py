"""Which windows of an article to quote: the quoter's best, by what a quote may be.

One function, used by the Answerer to quote every candidate it cites and by ``chipbot train`` to
build the abstainer's rows: the quote the abstainer learns from is the one an answer shows.
"""

from __future__ import annotations

import numpy as np

from bot.answering.evidence import Reading, restates
from bot.answering.features import window_features
from bot.answering.layout import Window
from bot.answering.model import LinearModel
from bot.answering.tuning import HEADING_WORDS


def choose_quotes(
    reading: Reading, quoter: LinearModel, n: int = 2, rows: np.ndarray | None = None
) -> list[tuple[Window, float]]:
    """The ``n`` windows the ``quoter`` rates most likely to hold the answer that do not overlap,
    best first, with their probabilities (of equal scores, the earlier and shorter wins); ``rows``:
    the reading's ``window_features``, when computed already.

    The best may be a line that is not a sentence, of ``HEADING_WORDS`` words or more (a rule's title
    can be the answer), if it covers more of the question than any sentence does; the others end as
    sentences do, and hold a word of the question (not a page's disclosure, nor another story the
    article tells). What the article says twice is quoted once (``restates``: a summary bullet and
    its paragraph), and a line the next one repeats and goes on with (``Reading.restated``) not at
    all, nor a photo's caption (``Reading.is_caption``)."""
    if not reading.windows:
        return []
    rows = window_features(reading) if rows is None else rows
    probabilities = quoter.probabilities(rows)
    picked: list[tuple[Window, float]] = []
    coverage = reading.window_coverage
    sentences: float | None = None  # the most of the question a window that is sentences covers
    for i in np.argsort(-probabilities, kind="stable"):
        window = reading.windows[int(i)]
        if not reading.ends_sentence(window):
            if picked or reading.prose_words(window) < HEADING_WORDS:
                continue
            if sentences is None:
                sentences = max((c for w, c in zip(reading.windows, coverage) if reading.ends_sentence(w)), default=0)
            if coverage[i] <= sentences:
                continue  # a heading leads only where no sentence says as much of what was asked
        if picked and not reading.shares_terms(window):
            continue
        said = reading.quote_words(window)
        if any(restates(said, reading.quote_words(w)) for w, _ in picked) or reading.restated(window):
            continue  # a line the page says again (a summary bullet, a repeated line) or goes on with
        if reading.is_caption(window):
            continue
        if all(window.end <= w.start or window.start >= w.end for w, _ in picked):
            picked.append((window, float(probabilities[i])))
        if len(picked) == n:
            break
    return picked
