"""The article store: SQLite at ``<data_dir>/corpus.db``.

Every article is written with its chunks in one transaction: an interrupted ingest leaves it whole or absent.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType

from corpus.errors import CorpusError
from corpus.migrate import NewerSchema, migrate, schema_version
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
    # 2: a date the input gave but that is not used (after tomorrow, or unreadable), and why
    """
ALTER TABLE articles ADD COLUMN published_given TEXT;
ALTER TABLE articles ADD COLUMN date_problem TEXT
""",
    # 3: near-duplicate signatures are now datasketch MinHashes; the old ones are recomputed
    "UPDATE articles SET signature = NULL",
    # 4: the topic gate (corpus/gate/ledger.py): every item's decision and score, the items it kept
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
    # 5: a rejected item keeps the date its input gave but that is not used, and why (as articles do
    # since 2), so admitting it later loses nothing
    """
ALTER TABLE rejected ADD COLUMN published_given TEXT;
ALTER TABLE rejected ADD COLUMN date_problem TEXT
""",
]
ARTICLE_COLUMNS = (  # an article's stored fields, in the order ``article_from_row`` reads them
    "id, url, canonical_url, title, source, published, text, author, site_name, origin, published_given, date_problem"
)


def article_from_row(row: tuple, alternates: list[Alternate] | None = None) -> Article:
    """An ``Article`` from a row of ``ARTICLE_COLUMNS`` (from ``articles``, or the gate's ``rejected``)."""
    (aid, url, canonical, title, source, published, text, author, site_name, origin, given, problem) = row
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
        alternates=alternates or [],
        published_given=given,
        date_problem=problem,
    )


class StoreError(CorpusError):
    """The corpus database cannot be opened or is from an incompatible version."""


class StorageError(StoreError):
    """The corpus database cannot be written (disk full, read-only directory, I/O error).

    Raised once, with the data directory named; everything committed before is intact, because
    each article is written in its own transaction.
    """


class ArticleStore:
    """Articles, their alternates (syndicated copies) and chunks; HTTP validators for conditional GET.

    ``read_only=True`` never writes (no migration, no journal files), so ``chipbot articles`` works
    on a store in a read-only directory or on a read-only disk.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        try:
            self._db = self._open_read_only() if read_only else self._open_writable()
        except NewerSchema as exc:
            raise StoreError(str(exc)) from exc
        except sqlite3.OperationalError as exc:
            raise storage_error(exc, self.path, f"open the corpus database {self.path}") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the corpus database {self.path}: {exc}") from exc
        except OSError as exc:
            raise StorageError(
                f"cannot create the data directory {self.path.parent}: {exc.strerror}; "
                "check its permissions or set CHIPBOT_DATA_DIR"
            ) from exc

    def _open_writable(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            migrate(db, MIGRATIONS, name=str(self.path))
        except BaseException:
            db.close()
            raise
        return db

    def _open_read_only(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise StoreError(f"no corpus database at {self.path}; `chipbot ingest` creates it")
        uri = self.path.resolve().as_uri()
        for mode in ("?mode=ro", "?immutable=1"):  # a WAL file in a read-only folder needs immutable
            db = sqlite3.connect(uri + mode, uri=True, check_same_thread=False)
            try:
                version = schema_version(db)
            except sqlite3.OperationalError:
                db.close()
                continue
            if version != len(MIGRATIONS):
                db.close()
                raise StoreError(
                    f"{self.path} has schema version {version}, this chipbot reads version {len(MIGRATIONS)}; "
                    "open it once with write access (`chipbot ingest`) to upgrade it"
                )
            return db
        raise StorageError(f"cannot read the corpus database {self.path}: check the file's permissions")

    @contextmanager
    def _writing(self, what: str) -> Iterator[sqlite3.Connection]:
        """One write transaction; a storage fault becomes one :class:`StorageError` naming the data directory."""
        if self.read_only:
            raise StorageError(f"the corpus store {self.path} was opened read-only; cannot {what}")
        try:
            with self._db:
                yield self._db
        except sqlite3.OperationalError as exc:
            raise storage_error(exc, self.path, what) from exc

    # -- reading -------------------------------------------------------------------------------
    def get(self, article_id: str) -> Article | None:
        row = self._db.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def articles(self) -> Iterator[Article]:
        rows = self._db.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY published DESC, id").fetchall()
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

    def text(self, article_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def signatures(self) -> Iterator[tuple[str, bytes | None]]:
        """``(article id, near-duplicate signature or None)`` of every article."""
        yield from self._db.execute("SELECT id, signature FROM articles").fetchall()

    def set_signature(self, article_id: str, signature: bytes | None) -> None:
        with self._writing(f"store the signature of article {article_id}"):
            self._db.execute("UPDATE articles SET signature = ? WHERE id = ?", (signature, article_id))

    # -- writing -------------------------------------------------------------------------------
    def put(self, article: Article, chunks: list[Chunk], *, content_hash: str, signature: bytes | None) -> None:
        """Insert or replace an article and all its chunks, atomically."""
        for chunk in chunks:
            if chunk.article_id != article.id or article.text[chunk.start : chunk.end] != chunk.text:
                raise ValueError(f"chunk {chunk.id} is not a span of article {article.id}")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._writing(f"store article {article.id}"):
            self._db.execute(
                "INSERT INTO articles (id, url, canonical_url, title, source, published, text, author, site_name, "
                "origin, content_hash, signature, updated_at, published_given, date_problem) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET url=excluded.url, canonical_url=excluded.canonical_url, "
                "title=excluded.title, source=excluded.source, published=excluded.published, text=excluded.text, "
                "author=excluded.author, site_name=excluded.site_name, origin=excluded.origin, "
                "content_hash=excluded.content_hash, signature=excluded.signature, updated_at=excluded.updated_at, "
                "published_given=excluded.published_given, date_problem=excluded.date_problem",
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
                    article.published_given,
                    article.date_problem,
                ),
            )
            self._db.execute("DELETE FROM chunks WHERE article_id = ?", (article.id,))
            self._db.executemany(
                'INSERT INTO chunks (id, article_id, ordinal, start, "end", text) VALUES (?,?,?,?,?,?)',
                [(c.id, c.article_id, c.ordinal, c.start, c.end, c.text) for c in chunks],
            )

    def add_alternate(self, article_id: str, alternate: Alternate, canonical_url: str) -> None:
        with self._writing(f"add a copy to article {article_id}"):
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
        with self._writing("remember HTTP validators"):
            self._db.execute(
                "INSERT OR REPLACE INTO http_validators (url, etag, last_modified, checked_at) VALUES (?,?,?,?)",
                (url, etag, last_modified, now),
            )

    def delete(self, article_id: str) -> bool:
        """Remove an article with its chunks and folded copies; False when there was none."""
        with self._writing(f"remove article {article_id}"):
            return self._db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0

    # -- records kept beside the articles (the gate's: corpus/gate/ledger.py) -----------------------
    @property
    def db(self) -> sqlite3.Connection:
        """The open connection, for reading those records."""
        return self._db

    def writing(self, what: str) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction for those records: a storage fault is the same one :class:`StorageError`."""
        return self._writing(what)

    # -- plumbing ------------------------------------------------------------------------------

    def _article(self, row: tuple) -> Article:
        alternates = [
            Alternate(url=u, source=s, title=t, article_id=a)
            for u, s, t, a in self._db.execute(
                "SELECT url, source, title, alt_article_id FROM alternates WHERE article_id = ? ORDER BY ordinal",
                (row[0],),
            )
        ]
        return article_from_row(row, alternates)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_store(data_dir: Path, *, read_only: bool = False) -> ArticleStore:
    """The store at ``<data_dir>/corpus.db`` (created when missing, unless ``read_only``)."""
    return ArticleStore(Path(data_dir) / "corpus.db", read_only=read_only)


def storage_error(exc: sqlite3.Error, path: Path, what: str) -> StorageError:
    """One actionable message for a storage fault, naming the data directory."""
    message = str(exc)
    folder = path.parent
    if "full" in message:
        advice = f"the disk holding the data directory {folder} is full; free space and run it again"
    elif "readonly" in message or "read-only" in message or "permission" in message.lower():
        advice = f"the data directory {folder} is read-only; make it writable or set CHIPBOT_DATA_DIR"
    elif "unable to open" in message:
        advice = f"the data directory {folder} cannot be opened for writing; check that it exists and is writable"
    else:
        advice = f"storage error in the data directory {folder}"
    return StorageError(f"cannot {what}: {advice} ({message}); articles stored before are intact")
