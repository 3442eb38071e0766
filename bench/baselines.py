"""chipbot's answers against the issue's baseline, plain BM25 over whole articles, on the same questions.

    .venv/bin/python bench/baselines.py [--sets tune,test,fresh] [--data-dir DIR]

The baseline is the one issue 11 measured: bm25s over each shared-corpus article's title and text,
English stopwords, no stemming; its first hit counts when it is an article that answers the
question. chipbot counts when its answer cites such an article first (``chipbot eval``'s "cited
first", the shipped models). Follow-ups are left out, as BM25 cannot read the question they follow.
Per question kind: answerable questions, each system's share, and their ratio.

Sets: ``tune`` (the shipped models were fitted on it: in-sample), ``test`` and ``fresh``
(``eval/questions/fresh.jsonl``). Run test and fresh only for a change that is final, and say so.
Needs bm25s: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import OUT, SHARED, open_shared_index, table


class WholeArticleBM25:
    """bm25s over title + text of every shared-corpus article: the id of the best one for a query."""

    def __init__(self) -> None:
        try:
            import bm25s
        except ImportError as exc:
            raise SystemExit(f"bench/baselines.py needs bm25s: pip install -e '.[bench]' ({exc})") from exc
        with (SHARED / "chip_trade_news.jsonl").open(encoding="utf-8") as fh:
            articles = [json.loads(line) for line in fh]
        self._bm25s = bm25s
        self._ids = [a["id"] for a in articles]
        self._retriever = bm25s.BM25()
        texts = [f"{a.get('title') or ''}\n{a['text']}" for a in articles]
        self._retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)

    def first(self, query: str) -> str:
        tokens = self._bm25s.tokenize([query], stopwords="en", show_progress=False)
        found, _ = self._retriever.retrieve(tokens, k=1, show_progress=False)
        return self._ids[int(found[0][0])]


def run(sets: list[str], data_dir: Path | None) -> str:
    from bot.answering.answerer import Answerer
    from bot.service import evaluation, labelled

    _, index = open_shared_index(data_dir, OUT / "baselines")
    answerer = Answerer(index)
    answerer.warm()
    bm25 = WholeArticleBM25()
    chosen = {"tune": [], "test": [], "fresh": labelled.load(labelled.FRESH)}
    for q in labelled.load():
        chosen[q.split].append(q)
    rows = []
    for name in sets:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # questions, chipbot, bm25
        for q in chosen[name]:
            if not q.answerable or q.follows:
                continue
            ours = evaluation.score(q, answerer.answer(q.question), 0.0).cited_first
            theirs = bm25.first(q.question) in q.evidence
            for kind in (q.kind, "all"):
                counts[kind][0] += 1
                counts[kind][1] += ours
                counts[kind][2] += theirs
        for kind in [k for k in (*labelled.KINDS, "all") if k in counts]:
            n, ours, theirs = counts[kind]
            ratio = f"{ours / theirs:.2f}" if theirs else "–"
            rows.append([name, kind, n, f"{ours / n:.1%}", f"{theirs / n:.1%}", ratio])
    headers = ["set", "kind", "answerable", "chipbot cited first", "BM25 whole-article first", "ratio"]
    return table(headers, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="tune", help="comma-separated: tune, test, fresh (default: tune)")
    parser.add_argument("--data-dir", type=Path, help="an index of the shared corpus to reuse (built if absent)")
    args = parser.parse_args()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = sorted(set(sets) - {"tune", "test", "fresh"})
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}: choose from tune, test, fresh")
    print(run(sets, args.data_dir))


if __name__ == "__main__":
    main()
