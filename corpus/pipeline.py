"""The ingest pipeline: read sources -> normalise -> deduplicate -> chunk -> store, one article at a time."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TextIO

import numpy as np

from corpus.chunk import Chunker, default_chunker
from corpus.clean import strip_furniture
from corpus.dedupe import NearDuplicateIndex, jaccard
from corpus.errors import CorpusError
from corpus.gate.door import Door
from corpus.gate.model import Gate
from corpus.normalize import article_id_for, canonical_url, clean_text, content_hash, display_url, source_domain
from corpus.published import Published, published_date
from corpus.records import Document, Duplicate, IngestReport, Notice, NotModified, ReadItem, Skip
from corpus.sources import Fetcher, read_feed, read_source
from corpus.store import ArticleStore, StorageError
from corpus.types import Alternate, Article

log = logging.getLogger(__name__)


def to_article(doc: Document, *, today: date | None = None) -> tuple[Article, Published]:
    """Normalise a read document into an article (display and canonical URL, outlet, checked date, cleaned text)."""
    text = strip_furniture(clean_text(doc.text))
    url = (doc.url or "").strip()
    if url:
        canonical = canonical_url(url)
    elif doc.article_id:
        canonical = f"id:{doc.article_id}"
    else:
        raise ValueError(f"{doc.source}: document has neither a url nor an id")
    when = published_date(doc.published, url, text, today=today or datetime.now(UTC).date())
    outlet = (doc.outlet or (source_domain(url) if "://" in url else "") or doc.site_name or "local").lower()
    article = Article(
        id=doc.article_id or article_id_for(canonical),
        url=display_url(url) if url else canonical,
        canonical_url=canonical,
        title=" ".join(doc.title.split()) if doc.title else None,
        source=outlet[4:] if outlet.startswith("www.") else outlet,
        published=when.date,
        text=text,
        author=doc.author,
        site_name=doc.site_name,
        origin=doc.origin,
        published_given=when.given,
        date_problem=when.problem,
    )
    return article, when


class Ingester:
    """Writes documents into the store: new, updated, unchanged, or folded into an article as a duplicate.

    An input id names one story. A record that reuses a stored article's id for a different story
    (another URL, and text that is not a near-copy) is skipped with a reason instead of replacing it.
    A new item that is no copy of a stored one passes the topic ``gate`` first (``corpus/gate/door.py``):
    an off-topic one becomes a rejected record, not an article.
    """

    def __init__(
        self,
        store: ArticleStore,
        chunker: Chunker,
        *,
        near: NearDuplicateIndex | None = None,
        max_tokens: int = 200,
        today: date | None = None,
        gate: Gate | None = None,
    ) -> None:
        self._store = store
        self._door = Door(store, gate)
        self._chunker = chunker
        self._max_tokens = max_tokens
        self._today = today
        self._near = near or NearDuplicateIndex()
        for article_id, blob in store.signatures():
            signature = self._near.from_bytes(blob) if blob is not None else None
            if signature is None:  # made by an older chipbot (or never): compute it once now
                signature = self._near.signature(store.text(article_id) or "")
                if signature is not None:
                    store.set_signature(article_id, self._near.to_bytes(signature))
            if signature is not None:
                self._near.add(article_id, signature)

    def ingest(self, doc: Document, report: IngestReport) -> None:
        article, when = to_article(doc, today=self._today)
        if not article.text:
            report.skipped.append(Skip(doc.source, "no text left after cleaning"))
            return
        if when.message:
            report.notices.append(Notice(doc.source, when.message))
        digest = content_hash(article.text)
        known = self._store.find_url(article.canonical_url)
        if known is None and doc.article_id and (stored := self._store.get(doc.article_id)) is not None:
            if clash := self._id_clash(stored, article, digest):
                report.skipped.append(Skip(doc.source, clash))
                return
            known = (doc.article_id, False)
        if known is None:
            if (kept_out := self._door.kept_out_before(article, digest)) is not None:
                report.unchanged.append(kept_out)
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

    def _id_clash(self, stored: Article, article: Article, digest: str) -> str | None:
        """Why a record may not take over the stored article with its id, or None when it is the same story.

        Same story: the same text, or a near-copy of it (a page that moved to a new address).
        """
        if self._store.content_hash(stored.id) == digest:
            return None
        similarity = jaccard(self._near.shingles(stored.text), self._near.shingles(article.text))
        if similarity >= self._near.threshold:
            return None
        return (
            f"id {stored.id!r} already names a different article ({stored.url}, text similarity "
            f"{similarity:.2f}); kept that one; give this record its own id"
        )

    def _add(self, doc: Document, article: Article, digest: str, report: IngestReport) -> None:
        """Store a new article, or fold it into the article it duplicates (exactly, or nearly)."""
        signature = self._near.signature(article.text)
        duplicate_of, kind, similarity = self._store.find_hash(digest), "exact", 1.0
        if duplicate_of is None and signature is not None:
            match = self._near.query(article.text, self._store.text, signature=signature)
            if match is not None:
                duplicate_of, kind, similarity = match.article_id, "near", match.similarity
        if duplicate_of is None:
            decision = self._door.decide(doc, article)
            if not decision.admitted:
                report.rejected.append(self._door.keep_out(doc, article, decision, content_hash=digest))
                return
            report.chunks_written += self._write(article, digest, signature)
            self._door.admitted(doc, article, decision)
            report.added.append(article.id)
            return
        alternate = Alternate(url=article.url, source=article.source, title=article.title, article_id=doc.article_id)
        self._store.add_alternate(duplicate_of, alternate, article.canonical_url)
        report.duplicates.append(Duplicate(doc.source, article.url, duplicate_of, kind, similarity))

    def _differs(self, stored_id: str, article: Article, digest: str) -> bool:
        stored = self._store.get(stored_id)
        return (
            stored is None
            or self._store.content_hash(stored_id) != digest
            or stored.title != article.title
            or stored.published != article.published
            or stored.date_problem != article.date_problem
            or stored.origin != article.origin  # e.g. the bundled sample, now labelled as our digests
        )

    def _write(self, article: Article, digest: str, signature: np.ndarray | None) -> int:
        """Store the article with fresh chunks; returns how many chunks were written."""
        chunks = self._chunker.chunk(article, self._max_tokens)
        blob = self._near.to_bytes(signature) if signature is not None else None
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
            yield replace(item, feed=feed) if isinstance(item, Document) else item  # per-feed gate counts


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

    >>> import tempfile
    >>> from pathlib import Path
    >>> from corpus.sample import SAMPLE_PATH
    >>> from corpus.store import open_store
    >>> with open_store(Path(tempfile.mkdtemp())) as store:
    ...     report = ingest([str(SAMPLE_PATH)], store)
    >>> len(report.added), report.skipped
    (36, [])
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
            elif isinstance(item, Notice):
                report.notices.append(item)
            elif isinstance(item, NotModified):
                report.not_modified.append(item.source)
            else:
                _ingest_one(ingester, item, report)
    return report


def _ingest_one(ingester: Ingester, doc: Document, report: IngestReport) -> None:
    """One document; its problem is one skip. A storage fault (StorageError) ends the batch: every
    later write would fail the same way, and what was stored before stays intact."""
    try:
        ingester.ingest(doc, report)
    except StorageError:
        raise
    except (ValueError, CorpusError) as exc:
        report.skipped.append(Skip(doc.source, str(exc)))
    except Exception as exc:  # a bug must not cost the rest of the batch; it is logged in full
        log.exception("unexpected error while ingesting %s", doc.source)
        report.skipped.append(Skip(doc.source, f"unexpected error ({type(exc).__name__}: {exc}); please report it"))
