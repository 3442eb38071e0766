"""`chipbot` subcommands for the index stage: ``search`` and ``reindex``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from bot.answering.compose import digest_label
from bot.answering.tuning import CANDIDATES
from bot.service.wiring import make_lexicon, open_index

if TYPE_CHECKING:
    from bot.service.settings import Settings
    from index.types import SearchResult


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the parser."""
    search = sub.add_parser(
        "search", help="rank articles for a query (hybrid dense + keyword search, in the order answers cite them)"
    )
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("-k", type=int, default=5, help="how many articles (default 5)")
    search.add_argument("--since", type=date.fromisoformat, metavar="DATE", help="published on or after YYYY-MM-DD")
    search.add_argument("--until", type=date.fromisoformat, metavar="DATE", help="published on or before YYYY-MM-DD")
    search.add_argument("--source", action="append", metavar="S", help="only this source domain (repeatable)")
    search.add_argument("--json", action="store_true", help="JSON instead of text")
    search.set_defaults(func=cmd_search)

    reindex = sub.add_parser("reindex", help="rebuild the search index from the stored articles (e.g. new model)")
    reindex.set_defaults(func=cmd_reindex)


def _fail(exc: Exception) -> int:
    print(f"chipbot: {exc}", file=sys.stderr)
    return 1


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering.answerer import Answerer
    from index.errors import IndexStageError

    try:
        index = open_index(settings)
        answerer = Answerer(index, k=max(args.k, CANDIDATES), lexicon=make_lexicon(settings))
        query = " ".join(args.query)
        result = answerer.search(query, k=args.k, since=args.since, until=args.until, sources=args.source)
    except IndexStageError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps(result_to_json(result), indent=2, ensure_ascii=False))
    else:
        print_result(result)
    return 0


def result_to_json(result: SearchResult) -> dict[str, object]:
    return {
        "query": result.query,
        "since": result.since.isoformat() if result.since else None,
        "until": result.until.isoformat() if result.until else None,
        "sources": result.sources,
        "recency": result.recency,
        "timings_ms": result.timings_ms,
        "hits": [
            {
                "rank": rank,
                "score": round(hit.score, 6),
                "article_id": hit.article.id,
                "title": hit.article.title,
                "source": hit.article.source,
                "published": hit.article.published.isoformat() if hit.article.published else None,
                "url": hit.article.url,
                "chunk_id": hit.chunk.id,
                "start": hit.chunk.start,
                "end": hit.chunk.end,
                "text": hit.chunk.text,
                "kind": "digest" if hit.article.is_digest else "verbatim",
                "dense_rank": hit.dense_rank,
                "keyword_rank": hit.keyword_rank,
                "dense_score": hit.dense_score,
                "keyword_score": hit.keyword_score,
                "copies": hit.copies,
            }
            for rank, hit in enumerate(result.hits, start=1)
        ],
    }


def print_result(result: SearchResult) -> None:
    notes = [
        f"{name} {value}"
        for name, value in (("since", result.since), ("until", result.until), ("recency", result.recency))
        if value
    ]
    if notes:
        print(f"({'; '.join(notes)})")
    if not result.hits:
        print("no matching passages")
    for rank, hit in enumerate(result.hits, start=1):
        a = hit.article
        published = a.published.isoformat() if a.published else "undated"
        print(f"{rank}. [{hit.score:.4f}] {a.id}  {a.title or '(untitled)'}")
        outlet = digest_label(a) if a.is_digest else a.source  # our words about a report, not the outlet's
        print(f"   {outlet} · {published} · {a.url}")
        print(f"   chars {hit.chunk.start}-{hit.chunk.end}: {hit.chunk.text}")
        print()


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.wiring import make_settings_embedder
    from corpus.store import open_store
    from index.builder import update_index
    from index.errors import IndexStageError

    with open_store(settings.data_dir) as store:
        try:
            report = update_index(
                settings.data_dir, store, make_settings_embedder(settings), progress=sys.stderr.isatty(), rebuild=True
            )
        except IndexStageError as exc:
            return _fail(exc)
    print(
        f"index: {report.generation}: {report.articles} articles, {report.chunks} chunks "
        f"({report.embedded} embedded), {report.index_type}, {report.backend}, {report.seconds:.1f} s"
    )
    return 0
