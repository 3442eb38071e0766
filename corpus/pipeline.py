"""The ingest pipeline: read sources -> normalise -> deduplicate -> chunk -> store, one article at a time."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TextIO

import numpy as np

from corpus.chunk import Chunker, default_chunker
from corpus.dedupe import NearDuplicateIndex
from corpus.gate.ledger import GateLedger
from corpus.gate.model import Gate, GateDecision, GateItem
from corpus.normalize import (
    article_id_for,
    canonical_url,
    clean_text,
    content_hash,
    date_from_text,
    date_from_url,
    parse_date,
    source_domain,
)
from corpus.records import Document, Duplicate, IngestReport, NotModified, ReadItem, Rejected, Skip
from corpus.sources import Fetcher, read_feed, read_source
from corpus.store import ArticleStore
from corpus.types import Alternate, Article

log = logging.getLogger(__name__)

UNGATED = GateDecision(admitted=True, score=None, threshold=None, reason="ungated")


def to_article(doc: Document) -> Article:
    """Normalise a read document into an article (canonical URL, outlet, ISO date, cleaned text)."""
    text = clean_text(doc.text)
    url = (doc.url or "").strip()
    if url:
        canonical = canonical_url(url)
    elif doc.article_id:
        canonical = f"id:{doc.article_id}"
    else:
        raise ValueError(f"{doc.source}: document has neither a url nor an id")
    published = parse_date(doc.published) or (date_from_url(url) if url else None) or date_from_text(text)
    outlet = (doc.outlet or (source_domain(url) if "://" in url else "") or doc.site_name or "local").lower()
    return Article(
        id=doc.article_id or article_id_for(canonical),
        url=url or canonical,
        canonical_url=canonical,
        title=" ".join(doc.title.split()) if doc.title else None,
        source=outlet[4:] if outlet.startswith("www.") else outlet,
        published=published,
        text=text,
        author=doc.author,
        site_name=doc.site_name,
        origin=doc.origin,
    )


class Ingester:
    """Writes documents into the store: new, updated, unchanged, or folded into an article as a duplicate."""

    def __init__(
        self,
        store: ArticleStore,
        chunker: Chunker,
        *,
        near: NearDuplicateIndex | None = None,
        max_tokens: int = 200,
        gate: Gate | None = None,
    ) -> None:
        self._store = store
        self._gate = gate
        self._ledger = GateLedger(store)
        self._chunker = chunker
        self._max_tokens = max_tokens
        self._near = near or NearDuplicateIndex()
        for article_id, blob in store.signatures():
            self._near.add(article_id, NearDuplicateIndex.from_bytes(blob))

    def ingest(self, doc: Document, report: IngestReport) -> None:
        article = to_article(doc)
        if not article.text:
            report.skipped.append(Skip(doc.source, "no text left after cleaning"))
            return
        digest = content_hash(article.text)
        known = self._store.find_url(article.canonical_url)
        if known is None and doc.article_id and self._store.get(doc.article_id) is not None:
            known = (doc.article_id, False)
        if known is None:
            if self._still_rejected(article, digest, report):
                return
            self._add(doc, article, digest, report)
            return
        stored_id, is_alternate = known
        if is_alternate or not self._differs(stored_id, article, digest):
            report.unchanged.append(stored_id)
        else:
            article = replace(article, id=stored_id)
            report.chunks_written += self._write(article, digest, self._near.signature(article.text))
            report.updated.append(stored_id)

    def _add(self, doc: Document, article: Article, digest: str, report: IngestReport) -> None:
        """Store a new article, or fold it into the article it duplicates (exactly, or nearly)."""
        signature = self._near.signature(article.text)
        duplicate_of, kind, similarity = self._store.find_hash(digest), "exact", 1.0
        if duplicate_of is None and signature is not None and (match := self._near.query(signature)):
            duplicate_of, kind, similarity = match.article_id, "near", match.similarity
        if duplicate_of is None:
            decision = self._gate.decide(GateItem(article.title, article.text, doc.summary)) if self._gate else UNGATED
            if not decision.admitted:
                self._ledger.rejected(article, decision, content_hash=digest, feed=doc.feed, summary=doc.summary)
                report.rejected.append(Rejected(doc.source, article.id, article.title, decision.score))
                return
            report.chunks_written += self._write(article, digest, signature)
            self._ledger.admitted(article, decision, feed=doc.feed)
            report.added.append(article.id)
            return
        alternate = Alternate(url=article.url, source=article.source, title=article.title, article_id=doc.article_id)
        self._store.add_alternate(duplicate_of, alternate, article.canonical_url)
        report.duplicates.append(Duplicate(doc.source, article.url, duplicate_of, kind, similarity))

    def _still_rejected(self, article: Article, digest: str, report: IngestReport) -> bool:
        """An item the gate kept out before, unchanged: not scored again (a bypass or --no-gate re-ingest
        goes on and admits it)."""
        if self._gate is None or self._gate.admits_all or self._ledger.rejected_hash(article.canonical_url) != digest:
            return False
        report.unchanged.append(self._ledger.rejected_id(article.canonical_url) or article.id)
        return True

    def _differs(self, stored_id: str, article: Article, digest: str) -> bool:
        stored = self._store.get(stored_id)
        return (
            stored is None
            or self._store.content_hash(stored_id) != digest
            or stored.title != article.title
            or stored.published != article.published
        )

    def _write(self, article: Article, digest: str, signature: np.ndarray | None) -> int:
        """Store the article with fresh chunks; returns how many chunks were written."""
        chunks = self._chunker.chunk(article, self._max_tokens)
        blob = NearDuplicateIndex.to_bytes(signature) if signature is not None else None
        self._store.put(article, chunks, content_hash=digest, signature=blob)
        if signature is not None:
            self._near.add(article.id, signature)
        else:
            self._near.remove(article.id)
        return len(chunks)


def iter_documents(
    sources: Iterable[str],
    feeds: Iterable[str],
    *,
    store: ArticleStore | None = None,
    fetcher: Fetcher | None = None,
    stdin: TextIO | None = None,
) -> Iterator[ReadItem]:
    for source in sources:
        yield from read_source(source, fetcher=fetcher, stdin=stdin, store=store)
    for feed in feeds:
        for item in read_feed(feed, fetcher=fetcher, store=store):
            yield replace(item, feed=feed) if isinstance(item, Document) else item


def ingest(
    sources: Sequence[str],
    store: ArticleStore,
    *,
    feeds: Sequence[str] = (),
    progress: bool = False,
    chunker: Chunker | None = None,
    fetcher: Fetcher | None = None,
    stdin: TextIO | None = None,
    max_tokens: int = 200,
    gate: Gate | None = None,
) -> IngestReport:
    """Ingest files, directories, ``-`` (JSONL on stdin), page URLs and feeds into the store.

    Every problem with one input becomes a line of ``report.skipped``; the rest is still ingested.
    With a ``gate``, each new item is first scored: off-topic ones are kept as rejected records
    (``corpus/gate/ledger.py``), not articles. Without one, every item is admitted ("ungated").
    """
    from tqdm import tqdm

    report = IngestReport()
    ingester = Ingester(store, chunker or default_chunker(), max_tokens=max_tokens, gate=gate)
    items = iter_documents(sources, feeds, store=store, fetcher=fetcher, stdin=stdin)
    with tqdm(items, desc="ingest", unit=" doc", disable=not progress, leave=False) as bar:
        for item in bar:
            if isinstance(item, Skip):
                log.info("skipped %s: %s", item.source, item.reason)
                report.skipped.append(item)
                continue
            if isinstance(item, NotModified):
                report.not_modified.append(item.source)
                continue
            try:
                ingester.ingest(item, report)
            except ValueError as exc:
                report.skipped.append(Skip(item.source, str(exc)))
    return report
