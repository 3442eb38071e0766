"""`chipbot` subcommands for the corpus stage: ``ingest``, ``articles``, ``article``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from corpus.errors import CorpusError
from index.errors import IndexStageError

if TYPE_CHECKING:
    from bot.service.settings import Settings
    from corpus.store import ArticleStore
    from corpus.types import Article, Chunk
    from index.embed import Embedder


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the parser."""
    ingest = sub.add_parser("ingest", help="read articles from files, directories, URLs, stdin and feeds")
    ingest.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="JSONL / HTML / text file, directory, http(s) URL, or - for JSONL on stdin",
    )
    ingest.add_argument("--feed", action="append", default=[], metavar="URL", help="an RSS/Atom feed (repeatable)")
    ingest.add_argument(
        "--all-feeds",
        action="store_true",
        help="also read every feed of the feeds file (CHIPBOT_FEEDS_FILE, else corpus/feeds.toml)",
    )
    ingest.add_argument("--no-index", action="store_true", help="only update the article store, not the search index")
    ingest.add_argument(
        "--no-gate",
        action="store_true",
        help="admit every item: skip the topic gate that keeps off-topic items out (for curated inputs)",
    )
    ingest.set_defaults(func=cmd_ingest)

    articles = sub.add_parser("articles", help="list the stored articles (or the items the topic gate kept out)")
    articles.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    articles.add_argument(
        "--rejected", action="store_true", help="list the items the topic gate kept out, with their scores"
    )
    articles.set_defaults(func=cmd_articles)

    article = sub.add_parser("article", help="show one stored article with its cleaned text and chunks")
    article.add_argument("id", metavar="ID")
    article.add_argument("--json", action="store_true", help="JSON instead of text")
    article.set_defaults(func=cmd_article)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.wiring import feeds_file, make_fetcher, make_gate, make_settings_embedder
    from corpus.pipeline import ingest
    from corpus.store import StoreError, open_store

    feeds = list(args.feed)
    if args.all_feeds:
        from bot.service.refresh import load_feeds

        feeds += load_feeds(feeds_file(settings))
    if not args.sources and not feeds:
        print("chipbot ingest: give at least one SOURCE or --feed URL", file=sys.stderr)
        return 2
    progress = sys.stderr.isatty()
    if not args.no_gate:
        from corpus.gate.model import GateModel

        try:
            GateModel.load(settings.gate_weights)  # unusable weights are reported before any model loads
        except CorpusError as exc:
            print(f"chipbot ingest: {exc} (or pass --no-gate to admit everything)", file=sys.stderr)
            return 2
    try:
        with open_store(settings.data_dir) as store:  # a storage fault is reported before any model loads
            gate = embedder = None
            if not args.no_gate:
                try:  # one model for the gate and the index, when they agree
                    embedder = make_settings_embedder(settings)
                    gate = make_gate(settings, embedder)
                except (CorpusError, IndexStageError) as exc:  # the gate's model is unusable
                    print(f"chipbot ingest: {exc} (or pass --no-gate to admit everything)", file=sys.stderr)
                    return 2
            report = ingest(
                args.sources, store, feeds=feeds, progress=progress, fetcher=make_fetcher(settings), gate=gate
            )
            for line in report.summary_lines():
                print(line)
            if not args.no_index and report.read and not update_index_now(settings, store, progress, embedder):
                return 1
    except StoreError as exc:  # a storage fault: one clear line, naming the data directory
        print(f"chipbot ingest: {exc}", file=sys.stderr)
        return 1
    return 1 if report.read == 0 else 0


def update_index_now(
    settings: Settings,
    store: ArticleStore,
    progress: bool,
    embedder: Embedder | None = None,
    *,
    command: str = "ingest",
) -> bool:
    """Bring the index up to date with the store; False (after one line on stderr, under ``chipbot
    <command>``) when it could not."""
    from bot.service.wiring import make_settings_embedder
    from index.builder import update_index

    try:
        built = update_index(settings.data_dir, store, embedder or make_settings_embedder(settings), progress=progress)
    except IndexStageError as exc:
        print(f"chipbot {command}: {exc}", file=sys.stderr)
        return False
    if built.changed:
        print(
            f"index: generation {built.generation}: {built.articles} articles, {built.chunks} chunks "
            f"({built.embedded} embedded, {built.removed} removed) in {built.seconds:.1f} s"
        )
    else:
        print(f"index: up to date ({built.articles} articles, {built.chunks} chunks)")
    return True


def cmd_articles(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.store import StoreError, open_store

    if args.rejected:
        return _list_rejected(settings, as_json=args.json)
    try:  # read-only: listing works on a store in a read-only directory, and never changes one
        with open_store(settings.data_dir, read_only=True) as store:
            rows = [_summary(a, store.chunk_count(a.id)) for a in store.articles()]
    except StoreError as exc:
        print(f"chipbot articles: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        alternates = f" +{len(row['alternates'])} alt" if row["alternates"] else ""
        print(
            f"{row['id']:<16} {row['published'] or '----------':<10} {row['source'][:24]:<24} "
            f"{row['chunks']:>3} chunks{alternates}  {row['title'] or '(untitled)'}"
        )
    print(f"{len(rows)} articles", file=sys.stderr)
    return 0


def _list_rejected(settings: Settings, *, as_json: bool) -> int:
    from corpus.gate.ledger import GateLedger
    from corpus.store import StoreError, open_store

    try:  # read-only, as for the articles
        with open_store(settings.data_dir, read_only=True) as store:
            items = GateLedger(store).rejected_items()
    except StoreError as exc:
        print(f"chipbot articles: {exc}", file=sys.stderr)
        return 1
    rows: list[dict[str, Any]] = [
        {
            "id": item.article.id,
            "score": item.score,
            "threshold": item.threshold,
            "feed": item.feed,
            "url": item.article.url,
            "title": item.article.title,
            "source": item.article.source,
            "published": item.article.published.isoformat() if item.article.published else None,
            "published_given": item.article.published_given,
            "date_problem": item.article.date_problem,
            "decided_at": item.decided_at,
        }
        for item in items
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for item in items:
            score = f"{item.score:.3f}" if item.score is not None else "  -  "
            article = item.article
            print(f"{article.id:<16} {score} {article.source[:24]:<24} {article.title or '(untitled)'}")
    print(f"{len(rows)} items kept out by the topic gate; `chipbot admit ID` admits one", file=sys.stderr)
    return 0


def cmd_article(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.store import StoreError, open_store

    try:
        with open_store(settings.data_dir, read_only=True) as store:
            resolved = store.resolve(args.id)
            article = store.get(resolved) if resolved else None
            if article is None:
                print(f"no article {args.id!r} in {store.path}; `chipbot articles` lists them", file=sys.stderr)
                return 1
            chunks = store.chunks(article.id)
    except StoreError as exc:
        print(f"chipbot article: {exc}", file=sys.stderr)
        return 1
    if args.json:
        data = _summary(article, len(chunks)) | {
            "canonical_url": article.canonical_url,
            "author": article.author,
            "site_name": article.site_name,
            "origin": article.origin,
            "text": article.text,
            "chunks": [_chunk(c) for c in chunks],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if resolved != args.id:
        print(f"({args.id} is a copy folded into {article.id})")
    print(article.title or "(untitled)")
    print(f"{article.source} · {_date_label(article)} · {article.url}")
    for alt in article.alternates:
        print(f"  also: {alt.url} ({alt.source})")
    print()
    print(article.text)
    print()
    for chunk in chunks:
        print(f"--- chunk {chunk.ordinal} [{chunk.start}, {chunk.end})")
        print(chunk.text)
    return 0


def _summary(article: Article, chunk_count: int) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "published": article.published.isoformat() if article.published else None,
        "published_given": article.published_given,
        "date_problem": article.date_problem,
        "alternates": [
            {"url": a.url, "source": a.source, "title": a.title, "article_id": a.article_id} for a in article.alternates
        ],
        "chunks": chunk_count,
    }


def _date_label(article: Article) -> str:
    if article.published:
        return article.published.isoformat()
    if article.published_given:  # a given date that is not used: say which, and why
        return f"undated (given {article.published_given!r}: {article.date_problem})"
    return "date unknown"


def _chunk(chunk: Chunk) -> dict[str, Any]:
    return {"id": chunk.id, "ordinal": chunk.ordinal, "start": chunk.start, "end": chunk.end, "text": chunk.text}
