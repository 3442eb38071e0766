"""Plain-text and JSON views of an ``Answer`` for the terminal (Discord has its own renderer)."""

from __future__ import annotations

from typing import Any

from bot.answering.compose import date_label
from bot.answering.types import Answer, Citation


def source_line(citation: Citation) -> str:
    """``[n] Title — outlet, date, URL (also reported by ...)``; a digest says whose report it sums up."""
    article = citation.article
    title = article.title or "(untitled)"
    outlet = f"our digest of the {article.source} report" if article.is_digest else article.source
    line = f"[{citation.n}] {title} — {outlet}, {date_label(article)}, {article.url}"
    if citation.alternates:
        line += " (also reported by " + ", ".join(dict.fromkeys(a.source for a in citation.alternates)) + ")"
    return line


def render_plain(answer: Answer) -> str:
    """The answer text, then its numbered sources."""
    lines: list[str] = []
    if answer.resolved_question:
        lines.append(f"(understood as: {answer.resolved_question})")
    lines.append(answer.text)
    if answer.citations:
        lines.append("")
        lines += [source_line(c) for c in answer.citations]
    return "\n".join(lines)


def answer_json(answer: Answer) -> dict[str, Any]:
    """The ``chipbot ask --json`` object for one answer."""
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "answer": answer.text,
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
