"""The SQLite snapshot inside a generation: articles and chunks (their keyword postings are
``postings.py``'s arrays beside it).

Written only while a generation is being built; opened read-only (``immutable``) once published,
with one connection per thread so concurrent searches never share a cursor.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from corpus.store import article_from_row
from corpus.types import Alternate, Article, Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, url TEXT, canonical_url TEXT, title TEXT, source TEXT, published TEXT,
    text TEXT NOT NULL, author TEXT, site_name TEXT, origin TEXT, alternates TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE TABLE IF NOT EXISTS alternate_ids (alt_id TEXT PRIMARY KEY, article_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    vid INTEGER PRIMARY KEY, id TEXT NOT NULL, article_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, title TEXT NOT NULL, text TEXT NOT NULL,
    embed_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
"""
RETIRED = ("chunks_fts", "term_df")  # the keyword index before the postings arrays

MMAP_BYTES = 1 << 40  # read published snapshots through the page cache, not a read() per page

ARTICLE_COLUMNS = "id, url, canonical_url, title, source, published, text, author, site_name, origin, alternates"


def vector_id(chunk_id: str, embed_key: str) -> int:
    """A stable positive int64 for a chunk as embedded (FAISS ids are int64)."""
    digest = hashlib.blake2b(f"{chunk_id}\0{embed_key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") & 0x7FFF_FFFF_FFFF_FFFF


def connect_writable(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    retired = [
        name
        for (name,) in conn.execute(
            f"SELECT name FROM sqlite_master WHERE name IN ({','.join('?' * len(RETIRED))})", RETIRED
        )
    ]
    if retired:  # a snapshot copied from an older generation: drop them and give their pages back
        conn.executescript("".join(f"DROP TABLE IF EXISTS {name};" for name in retired) + "VACUUM;")
    return conn


def connect_readonly(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    return conn


def article_row(article: Article) -> tuple:
    alternates = json.dumps([vars(alt) for alt in article.alternates])
    published = article.published.isoformat() if article.published else None
    return (
        article.id,
        article.url,
        article.canonical_url,
        article.title,
        article.source,
        published,
        article.text,
        article.author,
        article.site_name,
        article.origin,
        alternates,
    )


def row_to_article(row: tuple) -> Article:
    """An ``Article`` from a ``docs`` row: the corpus's ``ARTICLE_COLUMNS`` without the date-problem
    pair (a snapshot keeps only what answers show), then the alternates as JSON."""
    *fields, alternates = row
    return article_from_row((*fields, None, None), [Alternate(**alt) for alt in json.loads(alternates)])


def upsert_articles(conn: sqlite3.Connection, articles: Iterable[Article]) -> None:
    for article in articles:
        conn.execute(
            f"INSERT OR REPLACE INTO articles ({ARTICLE_COLUMNS}) VALUES ({','.join('?' * 11)})", article_row(article)
        )
        conn.execute("DELETE FROM alternate_ids WHERE article_id = ?", (article.id,))
        conn.executemany(
            "INSERT OR REPLACE INTO alternate_ids (alt_id, article_id) VALUES (?, ?)",
            [(alt.article_id, article.id) for alt in article.alternates if alt.article_id],
        )


def delete_articles(conn: sqlite3.Connection, article_ids: Iterable[str]) -> None:
    for article_id in article_ids:
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        conn.execute("DELETE FROM alternate_ids WHERE article_id = ?", (article_id,))


def insert_chunks(conn: sqlite3.Connection, rows: Iterable[tuple[int, Chunk, str, str]]) -> None:
    """Insert (vid, chunk, title, embed_key) rows."""
    for vid, chunk, title, key in rows:
        conn.execute(
            "INSERT INTO chunks (vid, id, article_id, ordinal, start, end, title, text, embed_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (vid, chunk.id, chunk.article_id, chunk.ordinal, chunk.start, chunk.end, title, chunk.text, key),
        )


def delete_chunks(conn: sqlite3.Connection, vids: Iterable[int]) -> None:
    conn.executemany("DELETE FROM chunks WHERE vid = ?", ((vid,) for vid in vids))


def row_to_chunk(row: tuple) -> Chunk:
    id_, article_id, ordinal, start, end, text = row
    return Chunk(id=id_, article_id=article_id, ordinal=ordinal, start=start, end=end, text=text)


CHUNK_COLUMNS = "id, article_id, ordinal, start, end, text"
