from __future__ import annotations

from datetime import date
from itertools import product

import numpy as np

from bot.answering.layout import forget_layouts, layout_of
from bot.answering.tuning import MAX_QUOTE_CHARS, MAX_QUOTE_SENTENCES
from corpus.text.words import tokens
from tests.bot.fakes import make_article

TEXT = (
    "Nvidia won a licence to ship H20 chips to China. Its shares rose 3% on Tuesday.\n"
    "Export Controls\n"
    "Beijing told buyers to avoid the chips. Regulators cited security concerns. " + "A long aside. " * 40 + "\n"
    "(AP Photo/Andy Wong)\n"
    "- ASML Holding\n"
    "- ASML Holding is a Dutch maker of lithography machines."
)


def test_the_same_article_is_laid_out_once_and_an_edited_one_again() -> None:
    article = make_article("a", TEXT, title="Nvidia wins a licence")
    first = layout_of(article)
    assert layout_of(make_article("a", TEXT, title="Nvidia wins a licence")) is first  # read again from the store
    edited = layout_of(make_article("a", TEXT.replace("3%", "4%"), title="Nvidia wins a licence"))
    assert edited is not first and "4" in edited.terms and "4" not in first.terms
    forget_layouts()
    assert layout_of(article) is not first


def test_terms_counts_and_the_month_of_publication() -> None:
    layout = layout_of(make_article("a", TEXT, title="Nvidia wins a licence", published=date(2025, 5, 2)))
    every = tokens(f"Nvidia wins a licence\n{TEXT}")
    assert layout.length == len(every) and layout.counts["chip"] == every.count("chip") == 2
    assert {"may", "2025", "licens"} <= layout.terms and layout.title_terms == frozenset(
        tokens("Nvidia wins a licence")
    )
    assert [set(t) for t in layout.sentence_terms] == [set(tokens(TEXT[a:b])) for a, b in layout.spans]


def test_windows_are_runs_of_one_paragraph_within_the_length_limit_in_order() -> None:
    layout = layout_of(make_article("a", TEXT))
    spans, windows = layout.spans, layout.windows
    expected = []
    for first, size in product(range(len(spans)), range(1, MAX_QUOTE_SENTENCES + 1)):
        last = first + size - 1
        if last >= len(spans):
            continue
        start, end = spans[first][0], spans[last][1]
        if size == 1 or ("\n" not in TEXT[start:end] and end - start <= MAX_QUOTE_CHARS):
            expected.append((first, size, start, end))
    assert [(w.first, w.size, w.start, w.end) for w in windows] == expected
    assert [w.index for w in windows] == list(range(len(windows)))


def test_held_is_whether_any_sentence_of_a_window_holds_a_fact() -> None:
    layout = layout_of(make_article("a", TEXT))
    facts = np.random.default_rng(0).random((len(layout.spans), 3)) > 0.6
    brute = [[facts[w.first : w.first + w.size, j].any() for j in range(3)] for w in layout.windows]
    assert layout.held(facts).tolist() == brute
    assert layout.held(facts[:, 0]).tolist() == [row[0] for row in brute]


def test_max_mean_is_the_best_and_the_mean_of_a_window_s_sentences() -> None:
    layout = layout_of(make_article("a", TEXT))
    values = np.random.default_rng(1).random(len(layout.spans)).astype(np.float32)
    best, mean = layout.max_mean(values)
    pieces = [values[w.first : w.first + w.size] for w in layout.windows]
    assert best.tolist() == [float(p.max()) for p in pieces]
    assert np.allclose(mean, [p.mean() for p in pieces], rtol=1e-6)


def test_what_each_window_is_as_a_quote() -> None:
    layout = layout_of(make_article("a", TEXT, title="Export Controls"))
    single = {TEXT[w.start : w.end]: w for w in layout.windows if w.size == 1}
    heading, caption, item = single["Export Controls"], single["(AP Photo/Andy Wong)"], single["- ASML Holding"]
    sentence, last = (
        single["Regulators cited security concerns."],
        single["- ASML Holding is a Dutch maker of lithography machines."],
    )
    assert not layout.facts(heading).ends_sentence and layout.headline[heading.index]
    assert layout.headline.sum() == 1  # the title is repeated once
    assert layout.facts(caption).caption and not layout.facts(sentence).caption
    assert layout.facts(item).restated and not layout.facts(sentence).restated
    assert layout.facts(last).ends_sentence and layout.facts(last).prose_words == 8
    assert layout.facts(last) is layout.facts(last)  # worked out once


def test_an_article_without_sentences_has_no_windows() -> None:
    layout = layout_of(make_article("a", "   "))
    assert layout.windows == () and layout.held(np.zeros((0, 2), dtype=bool)).shape == (0, 2)
    assert layout.present(("chip",)).shape == (0, 1)
