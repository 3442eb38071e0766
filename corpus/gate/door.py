"""The gate's place in the ingest pipeline: the three points where ``corpus/pipeline.py`` asks it.

Kept here, not in the pipeline, so the pipeline reads as ingest and the gate's rules live in one
package. Only new, non-duplicate items are scored: an update of a stored article, or a copy folded
into one, was admitted with that article. Every write goes through the article store's write
transactions (``ledger.py``), so a storage fault is the store's one clear :class:`StorageError`.
"""

from __future__ import annotations

from corpus.gate.ledger import GateLedger
from corpus.gate.model import Gate, GateDecision, GateItem
from corpus.records import Document, Rejected
from corpus.store import ArticleStore
from corpus.types import Article

UNGATED = GateDecision(admitted=True, score=None, threshold=None, reason="ungated")


class Door:
    """Scores new items with ``gate`` (None: everything is admitted, "ungated") and records each decision."""

    def __init__(self, store: ArticleStore, gate: Gate | None) -> None:
        self._gate = gate
        self._ledger = GateLedger(store)

    def kept_out_before(self, article: Article, digest: str) -> str | None:
        """The id of this item's rejected record when the gate kept it out before and it has not
        changed: it is not scored again. A bypass (``/ingest url``) or an ungated ingest goes on and admits it."""
        if self._gate is None or self._gate.admits_all:
            return None
        if self._ledger.rejected_hash(article.canonical_url) != digest:
            return None
        return self._ledger.rejected_id(article.canonical_url) or article.id

    def decide(self, doc: Document, article: Article) -> GateDecision:
        """The gate's verdict on a new item, from its title, the feed's summary and the start of its text."""
        if self._gate is None:
            return UNGATED
        return self._gate.decide(GateItem(article.title, article.text, doc.summary))

    def keep_out(self, doc: Document, article: Article, decision: GateDecision, *, content_hash: str) -> Rejected:
        """Store the item as a rejected record (whole, so an admin can admit it) instead of an article."""
        self._ledger.rejected(article, decision, content_hash=content_hash, feed=doc.feed, summary=doc.summary)
        return Rejected(doc.source, article.id, article.title, decision.score)

    def admitted(self, doc: Document, article: Article, decision: GateDecision) -> None:
        """Record the decision for an article just stored (and drop a rejected copy of its URL)."""
        self._ledger.admitted(article, decision, feed=doc.feed)
