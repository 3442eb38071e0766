"""The article store: SQLite at ``<data_dir>/corpus.db``.

Every article is written with its chunks in one transaction: an interrupted ingest leaves it whole or absent.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

from corpus.errors import CorpusError
from corpus.migrate import NewerSchema, migrate
from corpus.types import Alternate, Article, Chunk

log = logging.getLogger(__name__)

# Append-only: a released entry is never edited (corpus/migrate.py).
MIGRATIONS = [
    """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, canonical_url TEXT NOT NULL UNIQUE, title TEXT,
    source TEXT NOT NULL, published TEXT, text TEXT NOT NULL, author TEXT, site_name TEXT,
    origin TEXT NOT NULL, content_hash TEXT NOT NULL, signature BLOB, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
CREATE TABLE IF NOT EXISTS alternates (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    canonical_url TEXT NOT NULL, url TEXT NOT NULL, source TEXT NOT NULL, title TEXT,
    alt_article_id TEXT, ordinal INTEGER NOT NULL,
    PRIMARY KEY (article_id, canonical_url)
);
CREATE INDEX IF NOT EXISTS alternates_url ON alternates(canonical_url);
CREATE INDEX IF NOT EXISTS alternates_alt_id ON alternates(alt_article_id);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id, ordinal);
CREATE TABLE IF NOT EXISTS http_validators (
    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, checked_at TEXT NOT NULL
)
""",
    # 2: the topic gate (corpus/gate/ledger.py): every item's decision and score, the items it kept
    # out (whole, so an admin can admit one), and admins' corrections for the next `train-gate`.
    """
CREATE TABLE gate_decisions (
    canonical_url TEXT PRIMARY KEY, article_id TEXT NOT NULL, feed TEXT, title TEXT,
    admitted INTEGER NOT NULL, score REAL, threshold REAL, reason TEXT NOT NULL, decided_at TEXT NOT NULL
);
CREATE INDEX gate_decisions_feed ON gate_decisions(feed);
CREATE TABLE rejected (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, canonical_url TEXT NOT NULL UNIQUE, title TEXT,
    source TEXT NOT NULL, published TEXT, text TEXT NOT NULL, author TEXT, site_name TEXT,
    origin TEXT NOT NULL, summary TEXT, content_hash TEXT NOT NULL
);
CREATE TABLE gate_corrections (
    canonical_url TEXT PRIMARY KEY, article_id TEXT NOT NULL, label INTEGER NOT NULL CHECK (label IN (0, 1)),
    title TEXT, summary TEXT, text_head TEXT NOT NULL, score REAL, corrected_at TEXT NOT NULL
)
""",
]
_ARTICLE_COLUMNS = "id, url, canonical_url, title, source, published, text, author, site_name, origin"


class StoreError(CorpusError):
    """The corpus database cannot be opened or is from an incompatible version."""


class ArticleStore:
    """Articles, their alternates (syndicated copies) and chunks; HTTP validators for conditional GET."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            migrate(self._db, MIGRATIONS, name=str(self.path))
        except NewerSchema as exc:
            raise StoreError(str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the corpus database {self.path}: {exc}") from exc

    # -- reading -------------------------------------------------------------------------------
    def get(self, article_id: str) -> Article | None:
        row = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def articles(self) -> Iterator[Article]:
        rows = self._db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY published DESC, id").fetchall()
        for row in rows:
            yield self._article(row)

    def chunks(self, article_id: str) -> list[Chunk]:
        rows = self._db.execute(
            'SELECT id, article_id, ordinal, start, "end", text FROM chunks WHERE article_id = ? ORDER BY ordinal',
            (article_id,),
        ).fetchall()
        return [Chunk(*row) for row in rows]

    def all_chunks(self) -> Iterator[Chunk]:
        cursor = self._db.execute(
            'SELECT id, article_id, ordinal, start, "end", text FROM chunks ORDER BY article_id, ordinal'
        )
        for row in cursor.fetchall():
            yield Chunk(*row)

    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def chunk_count(self, article_id: str) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM chunks WHERE article_id = ?", (article_id,)).fetchone()[0])

    def resolve(self, article_id: str) -> str | None:
        """The stored article an id names: itself, or the article an alternate with that id was folded into."""
        if self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            return article_id
        row = self._db.execute("SELECT article_id FROM alternates WHERE alt_article_id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def find_url(self, canonical_url: str) -> tuple[str, bool] | None:
        """``(article id, is_alternate)`` of the article stored under (or folded from) this canonical URL."""
        row = self._db.execute("SELECT id FROM articles WHERE canonical_url = ?", (canonical_url,)).fetchone()
        if row:
            return row[0], False
        row = self._db.execute("SELECT article_id FROM alternates WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return (row[0], True) if row else None

    def find_hash(self, content_hash: str) -> str | None:
        row = self._db.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", (content_hash,)).fetchone()
        return row[0] if row else None

    def content_hash(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def signatures(self) -> Iterator[tuple[str, bytes]]:
        """``(article id, near-duplicate signature)`` of every article that has one."""
        yield from self._db.execute("SELECT id, signature FROM articles WHERE signature IS NOT NULL").fetchall()

    # -- writing -------------------------------------------------------------------------------
    def put(self, article: Article, chunks: list[Chunk], *, content_hash: str, signature: bytes | None) -> None:
        """Insert or replace an article and all its chunks, atomically."""
        for chunk in chunks:
            if chunk.article_id != article.id or article.text[chunk.start : chunk.end] != chunk.text:
                raise ValueError(f"chunk {chunk.id} is not a span of article {article.id}")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.execute(
                "INSERT INTO articles (id, url, canonical_url, title, source, published, text, author, site_name, "
                "origin, content_hash, signature, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET url=excluded.url, canonical_url=excluded.canonical_url, "
                "title=excluded.title, source=excluded.source, published=excluded.published, text=excluded.text, "
                "author=excluded.author, site_name=excluded.site_name, origin=excluded.origin, "
                "content_hash=excluded.content_hash, signature=excluded.signature, updated_at=excluded.updated_at",
                (
                    article.id,
                    article.url,
                    article.canonical_url,
                    article.title,
                    article.source,
                    article.published.isoformat() if article.published else None,
                    article.text,
                    article.author,
                    article.site_name,
                    article.origin,
                    content_hash,
                    signature,
                    now,
                ),
            )
            self._db.execute("DELETE FROM chunks WHERE article_id = ?", (article.id,))
            self._db.executemany(
                'INSERT INTO chunks (id, article_id, ordinal, start, "end", text) VALUES (?,?,?,?,?,?)',
                [(c.id, c.article_id, c.ordinal, c.start, c.end, c.text) for c in chunks],
            )

    def add_alternate(self, article_id: str, alternate: Alternate, canonical_url: str) -> None:
        with self._db:
            (ordinal,) = self._db.execute(
                "SELECT COUNT(*) FROM alternates WHERE article_id = ?", (article_id,)
            ).fetchone()
            self._db.execute(
                "INSERT OR IGNORE INTO alternates (article_id, canonical_url, url, source, title, alt_article_id, "
                "ordinal) VALUES (?,?,?,?,?,?,?)",
                (
                    article_id,
                    canonical_url,
                    alternate.url,
                    alternate.source,
                    alternate.title,
                    alternate.article_id,
                    ordinal,
                ),
            )

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ``(ETag, Last-Modified)`` remembered for a URL, for a conditional GET."""
        row = self._db.execute("SELECT etag, last_modified FROM http_validators WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if not etag and not last_modified:
            return
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO http_validators (url, etag, last_modified, checked_at) VALUES (?,?,?,?)",
                (url, etag, last_modified, now),
            )

    def delete(self, article_id: str) -> bool:
        """Remove an article with its chunks and folded copies; False when there was none."""
        with self._db:
            return self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        """The open connection, for records kept beside the articles (the gate's: corpus/gate/ledger.py)."""
        return self._db

    def _article(self, row: tuple) -> Article:
        (aid, url, canonical, title, source, published, text, author, site_name, origin) = row
        alternates = [
            Alternate(url=u, source=s, title=t, article_id=a)
            for u, s, t, a in self._db.execute(
                "SELECT url, source, title, alt_article_id FROM alternates WHERE article_id = ? ORDER BY ordinal",
                (aid,),
            )
        ]
        return Article(
            id=aid,
            url=url,
            canonical_url=canonical,
            title=title,
            source=source,
            published=date.fromisoformat(published) if published else None,
            text=text,
            author=author,
            site_name=site_name,
            origin=origin,
            alternates=alternates,
        )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_store(data_dir: Path) -> ArticleStore:
    """The store at ``<data_dir>/corpus.db`` (created when missing)."""
    return ArticleStore(Path(data_dir) / "corpus.db")
