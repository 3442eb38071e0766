"""Plain-text and JSON views of an ``Answer`` for the terminal (Discord has its own renderer)."""

from __future__ import annotations

from typing import Any

from bot.answering.compose import date_label, digest_label
from bot.answering.types import Answer, Citation


def source_line(citation: Citation, numbers: str | None = None) -> str:
    """``[n] Title — outlet, date, URL (also reported by ...)``; ``numbers`` replaces ``n`` when one
    article is quoted more than once ("1, 2"); a digest says whose report it sums up."""
    article = citation.article
    title = article.title or "(untitled)"
    outlet = digest_label(article) if article.is_digest else article.source
    line = f"[{numbers or citation.n}] {title} — {outlet}, {date_label(article)}, {article.url}"
    if citation.alternates:
        line += " (also reported by " + ", ".join(dict.fromkeys(a.source for a in citation.alternates)) + ")"
    return line


def render_plain(answer: Answer) -> str:
    """The answer text, then its numbered sources."""
    lines: list[str] = []
    if answer.resolved_question:
        lines.append(f"(understood as: {answer.resolved_question})")
    if answer.respelt:
        lines.append(f"(read {answer.respelt_text})")
    if answer.read_as:
        lines.append(f"(read as naming: {', '.join(answer.read_as)})")
    lines.append(answer.text)
    if answer.citations:
        lines.append("")
        quoted: dict[str, list[Citation]] = {}
        for citation in answer.citations:  # one line per article, with every number that quotes it
            quoted.setdefault(citation.article.id, []).append(citation)
        lines += [source_line(cs[0], ", ".join(str(c.n) for c in cs)) for cs in quoted.values()]
    return "\n".join(lines)


def answer_json(answer: Answer) -> dict[str, Any]:
    """The ``chipbot ask --json`` object for one answer."""
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "confidence": round(answer.confidence, 3) if answer.confidence is not None else None,
        "answer": answer.text,
        "read_as": list(answer.read_as),
        "respelt": [{"written": written, "read": read} for written, read in answer.respelt],
        "citations": [
            {
                "n": c.n,
                "article_id": c.article.id,
                "url": c.article.url,
                "title": c.article.title,
                "source": c.article.source,
                "published": c.article.published.isoformat() if c.article.published else None,
                "quote": c.quote,  # with "kind": "digest", our words summing up the report, not the outlet's
                "kind": "digest" if c.article.is_digest else "verbatim",
                "alternates": [{"article_id": a.article_id, "url": a.url, "source": a.source} for a in c.alternates],
            }
            for c in answer.citations
        ],
        "timings_ms": {k: round(v, 1) for k, v in answer.timings_ms.items()},
    }
