from __future__ import annotations

import sqlite3

from corpus.types import Chunk
from index import docstore
from index.keyword import (PRUNE_FROM, TermStats, keyword_search, match_expression, prune_common, query_terms,
                           refresh_term_frequencies)


def test_query_terms_keep_names_models_and_numbers() -> None:
    terms = query_terms("How many Nvidia A100 GPUs were exported to China in 2024, according to the DOJ?")
    assert terms == ["nvidia", "a100", "gpus", "exported", "china", "2024", "doj"]
    assert query_terms("What is the?") == []


def test_match_expression_is_an_or_of_quoted_terms() -> None:
    assert match_expression(["nxt", "2050i"]) == '"nxt" OR "2050i"'
    assert match_expression([]) is None


def _conn(rows: list[tuple[str, str]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(docstore.SCHEMA)
    docstore.insert_chunks(conn, [
        (i + 1, Chunk(f"c{i}", f"a{i}", 0, 0, len(text), text), title, f"k{i}")
        for i, (title, text) in enumerate(rows)
    ])
    return conn


def test_bm25_prefers_rare_matches_and_title_weight_counts() -> None:
    conn = _conn([
        ("Chip news", "China and the US argued about chips again."),
        ("Entity List", "BIS added Inspur subsidiaries to the Entity List."),
        ("Inspur", "A note on servers."),
    ])
    ranked = keyword_search(conn, "Which Inspur subsidiaries were added?", 3, title_weight=1.0)
    assert ranked[0][0] == 2 and ranked[0][1] > ranked[-1][1]
    by_title = keyword_search(conn, "Inspur", 3, title_weight=10.0)
    assert by_title[0][0] == 3
    assert keyword_search(conn, "the of and", 3, title_weight=1.0) == []


def test_deleted_chunks_leave_the_keyword_index() -> None:
    conn = _conn([("T", "gallium germanium controls")])
    docstore.delete_chunks(conn, [1])
    assert keyword_search(conn, "gallium", 5, title_weight=1.0) == []


def test_pruning_keeps_the_rarest_terms_within_the_postings_budget() -> None:
    frequencies = {"china": 9000, "chips": 7000, "huaxin": 40, "dingxin": 30, "fund": 2500}
    terms = ["china", "chips", "huaxin", "dingxin", "fund"]
    assert prune_common(terms, frequencies, budget=3000, cap=100) == ["huaxin", "dingxin", "fund"]
    assert prune_common(terms, frequencies, budget=20_000, cap=100) == terms
    # Over budget, the three rarest are still kept while each is under the cap...
    assert prune_common(terms, frequencies, budget=10, cap=3000) == ["huaxin", "dingxin", "fund"]
    assert prune_common(terms, frequencies, budget=10, cap=100) == ["huaxin", "dingxin"]
    assert prune_common(terms, frequencies, budget=10, cap=10) == ["dingxin"]  # ...and the rarest always


def test_term_stats_count_stemmed_document_frequencies() -> None:
    conn = _conn([("", "exports of chips"), ("", "export rules"), ("", "unrelated text")])
    refresh_term_frequencies(conn, total=PRUNE_FROM)  # the index counts as large
    assert TermStats(conn).frequencies(["exported", "rules", "zebra"]) == {"exported": 2, "rules": 1, "zebra": 0}


def test_large_index_tries_the_two_rarest_words_together_first() -> None:
    rows = [("", f"china chips filler{i}") for i in range(6)]
    rows += [("", "china chips dingxin huaxin fund"), ("", "dingxin huaxin"), ("", "dingxin alone"),
             ("", "huaxin alone")]
    conn = _conn(rows)
    refresh_term_frequencies(conn, total=PRUNE_FROM)
    stats = TermStats(conn)
    question = "China chips Dingxin Huaxin?"
    both = keyword_search(conn, question, 2, title_weight=1.0, stats=stats, total=PRUNE_FROM)
    assert sorted(vid for vid, _ in both) == [7, 8]  # only the passages with both rare words were scored
    # Fewer than ``limit`` passages hold both: the (pruned) OR query answers.
    wider = keyword_search(conn, question, 4, title_weight=1.0, stats=stats, total=PRUNE_FROM)
    assert sorted(vid for vid, _ in wider) == [7, 8, 9, 10]
    small = keyword_search(conn, question, 4, title_weight=1.0, stats=stats, total=PRUNE_FROM - 1)
    assert {7, 8} <= {vid for vid, _ in small} and len(small) == 4  # a small index scores every word
