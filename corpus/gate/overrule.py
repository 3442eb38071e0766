"""An admin overrules the gate: ``chipbot admit ID`` stores a rejected item as an article,
``chipbot reject ID`` moves an article out to the rejected records. Both record a correction
(``ledger.py``) for the next ``chipbot train-gate``; the caller then updates the index."""

from __future__ import annotations

from corpus.chunk import Chunker, default_chunker
from corpus.dedupe import NearDuplicateIndex
from corpus.errors import CorpusError
from corpus.gate.ledger import GateLedger
from corpus.normalize import content_hash
from corpus.store import ArticleStore
from corpus.types import Article


class NothingToOverrule(CorpusError):
    """The id names no rejected item (for admit) or no stored article (for reject)."""


def admit(store: ArticleStore, item_id: str, *, chunker: Chunker | None = None, max_tokens: int = 200) -> Article:
    """Store the rejected item ``item_id`` as an article, chunked as the pipeline would."""
    ledger = GateLedger(store)
    item = ledger.rejected_item(item_id)
    if item is None:
        hint = " (it is already an article)" if store.get(item_id) else ""
        raise NothingToOverrule(f"no rejected item {item_id!r}{hint}: `chipbot articles --rejected` lists them")
    article = item.article
    chunks = (chunker or default_chunker()).chunk(article, max_tokens)
    near = NearDuplicateIndex()
    signature = near.signature(article.text)
    blob = near.to_bytes(signature) if signature is not None else None
    digest = content_hash(article.text)
    store.put(article, chunks, content_hash=digest, signature=blob)
    ledger.overruled(article, admitted=True, content_hash=digest, summary=item.summary, feed=item.feed)
    return article


def reject(store: ArticleStore, article_id: str) -> Article:
    """Move the stored article ``article_id`` to the rejected records (its folded copies go with it)."""
    article = store.get(article_id)
    if article is None:
        raise NothingToOverrule(f"no article {article_id!r}: `chipbot articles` lists them")
    ledger = GateLedger(store)
    digest = store.content_hash(article_id) or content_hash(article.text)
    ledger.overruled(article, admitted=False, content_hash=digest, summary=None, feed=None)
    store.delete(article_id)
    return article
