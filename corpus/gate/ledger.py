"""The gate's records in ``corpus.db`` (tables made by migrations 4 and 5 in ``corpus/store.py``).

- ``gate_decisions``: one row per item the pipeline stored or kept out, keyed by canonical URL: the
  decision, the score, the threshold, why (gate | bypass | admin | ungated), and the feed it came from.
- ``rejected``: the items the gate kept out, whole, so that ``chipbot admit ID`` can store them as
  articles later without fetching anything; ``chipbot articles --rejected`` lists them.
- ``gate_corrections``: each time an admin overrules the gate (``chipbot admit`` / ``reject``), the
  item's title, summary and start of text with the right label. ``chipbot train-gate
  --corrections DATA_DIR`` adds them to the tune split of the next training.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from corpus.gate.model import GateDecision, GateItem
from corpus.store import ARTICLE_COLUMNS, ArticleStore, article_from_row
from corpus.types import Article

TEXT_HEAD_CHARS = 2000  # what a correction keeps of the text: more than any gate reads
_REJECTED = f"{ARTICLE_COLUMNS}, summary"  # the rejected item's article, as the store keeps articles


@dataclass(frozen=True)
class RejectedItem:
    article: Article
    summary: str | None
    feed: str | None
    score: float | None
    threshold: float | None
    decided_at: str


@dataclass(frozen=True)
class FeedCounts:
    feed: str
    admitted: int
    rejected: int


@dataclass(frozen=True)
class Correction:
    article_id: str
    label: int
    item: GateItem
    score: float | None  # what the gate had said


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class GateLedger:
    """Reads and writes the gate's tables through the article store's connection; writes go through
    its write transactions, so a storage fault is one :class:`corpus.store.StorageError`."""

    def __init__(self, store: ArticleStore) -> None:
        self._store = store
        self._db = store.db

    # -- the pipeline's side ---------------------------------------------------------------------
    def admitted(self, article: Article, decision: GateDecision, *, feed: str | None) -> None:
        """Record the decision for a stored article (and forget a rejected copy of the same URL)."""
        with self._store.writing(f"record the topic gate's decision on article {article.id}"):
            self._decision(article, decision, feed)
            self._db.execute("DELETE FROM rejected WHERE canonical_url = ?", (article.canonical_url,))

    def rejected(
        self, article: Article, decision: GateDecision, *, content_hash: str, feed: str | None, summary: str | None
    ) -> None:
        """Keep an item out of the articles, whole, with its decision."""
        with self._store.writing(f"keep {article.id} as a rejected record"):
            self._decision(article, decision, feed)
            self._keep_out(article, content_hash, summary)

    def _keep_out(self, article: Article, content_hash: str, summary: str | None) -> None:
        published = article.published.isoformat() if article.published else None
        self._db.execute(
            f"INSERT OR REPLACE INTO rejected ({_REJECTED}, content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (article.id, article.url, article.canonical_url, article.title, article.source, published,
             article.text, article.author, article.site_name, article.origin, article.published_given,
             article.date_problem, summary, content_hash),
        )  # fmt: skip

    def rejected_hash(self, canonical_url: str) -> str | None:
        """The content hash of the item kept out under this URL, if one is."""
        row = self._db.execute("SELECT content_hash FROM rejected WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return row[0] if row else None

    def rejected_id(self, canonical_url: str) -> str | None:
        row = self._db.execute("SELECT id FROM rejected WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return row[0] if row else None

    def _decision(self, article: Article, decision: GateDecision, feed: str | None) -> None:
        self._db.execute(
            "INSERT INTO gate_decisions (canonical_url, article_id, feed, title, admitted, score, threshold, reason, "
            "decided_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(canonical_url) DO UPDATE SET "
            "article_id=excluded.article_id, feed=COALESCE(excluded.feed, gate_decisions.feed), title=excluded.title, "
            "admitted=excluded.admitted, score=COALESCE(excluded.score, gate_decisions.score), "
            "threshold=COALESCE(excluded.threshold, gate_decisions.threshold), reason=excluded.reason, "
            "decided_at=excluded.decided_at",
            (article.canonical_url, article.id, feed, article.title, int(decision.admitted), decision.score,
             decision.threshold, decision.reason, _now()),
        )  # fmt: skip

    # -- reading -------------------------------------------------------------------------------
    def rejected_items(self) -> list[RejectedItem]:
        """Every item kept out, the ones the gate was least sure about first."""
        return self._select("ORDER BY d.score DESC, r.id")

    def rejected_item(self, article_id: str) -> RejectedItem | None:
        found = self._select("WHERE r.id = ?", (article_id,))
        return found[0] if found else None

    def _select(self, tail: str, params: tuple = ()) -> list[RejectedItem]:
        columns = ", ".join("r." + column for column in _REJECTED.split(", "))
        rows = self._db.execute(
            f"SELECT {columns}, d.feed, d.score, d.threshold, d.decided_at FROM rejected r "
            f"LEFT JOIN gate_decisions d ON d.canonical_url = r.canonical_url {tail}",
            params,
        ).fetchall()
        return [self._rejected(row) for row in rows]

    def decision(self, canonical_url: str) -> GateDecision | None:
        row = self._db.execute(
            "SELECT admitted, score, threshold, reason FROM gate_decisions WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return GateDecision(bool(row[0]), row[1], row[2], row[3]) if row else None

    def feed_counts(self) -> list[FeedCounts]:
        """Per feed: items admitted and rejected (as decided now, admins' overrules included)."""
        rows = self._db.execute(
            "SELECT feed, SUM(admitted), SUM(1 - admitted) FROM gate_decisions WHERE feed IS NOT NULL "
            "GROUP BY feed ORDER BY feed"
        ).fetchall()
        return [FeedCounts(feed, int(admitted), int(rejected)) for feed, admitted, rejected in rows]

    def corrections(self) -> list[Correction]:
        rows = self._db.execute(
            "SELECT article_id, label, title, summary, text_head, score FROM gate_corrections ORDER BY corrected_at, "
            "canonical_url"
        ).fetchall()
        return [
            Correction(aid, label, GateItem(title, text, summary), score)
            for aid, label, title, summary, text, score in rows
        ]

    # -- an admin overrules the gate --------------------------------------------------------------
    def overruled(
        self, article: Article, *, admitted: bool, content_hash: str, summary: str | None, feed: str | None
    ) -> None:
        """Record an admin's decision and the correction for the next training (label = admitted), and
        drop (admitted) or keep (rejected) the item's rejected record. The caller stores the article
        before, or deletes it after: a crash in between leaves both, and repeating the command mends it."""
        before = self.decision(article.canonical_url)
        score = before.score if before else None
        with self._store.writing(f"record an admin's decision on {article.id}"):
            self._decision(article, GateDecision(admitted, score, None, "admin"), feed)
            self._db.execute(
                "INSERT OR REPLACE INTO gate_corrections (canonical_url, article_id, label, title, summary, text_head, "
                "score, corrected_at) VALUES (?,?,?,?,?,?,?,?)",
                (article.canonical_url, article.id, int(admitted), article.title, summary,
                 article.text[:TEXT_HEAD_CHARS], score, _now()),
            )  # fmt: skip
            if admitted:
                self._db.execute("DELETE FROM rejected WHERE canonical_url = ?", (article.canonical_url,))
            else:
                self._keep_out(article, content_hash, summary)

    @staticmethod
    def _rejected(row: tuple) -> RejectedItem:
        summary, feed, score, threshold, decided_at = row[12:]
        return RejectedItem(article_from_row(row[:12]), summary, feed, score, threshold, decided_at or "")
