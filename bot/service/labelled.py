"""The labelled questions of ``eval/questions`` with their evidence resolved against the shared corpus.

The repo stores evidence as character offsets into the shared corpus's article texts (never the
text); this module reads both and gives each answerable question the evidence strings of every
article that answers it. Articles are matched to what chipbot retrieved by id, including the ids of
copies deduplication folded into an article.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "eval" / "questions" / "questions.jsonl"
FRESH = QUESTIONS.with_name("fresh.jsonl")  # the second held-out set, written later by other writers
KINDS = ("fact", "paraphrased", "dated", "unanswerable", "followup")


class LabelledSetError(ValueError):
    """The labelled questions or the shared corpus they refer to cannot be read."""


def shared_corpus() -> Path:
    """``CHIPBOT_SHARED_CORPUS``, else ``../shared/corpus`` beside the repo."""
    return Path(os.environ.get("CHIPBOT_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    split: str  # "tune" or "test"
    kind: str
    story: str  # the story it is about: cross-validation keeps a story's questions in one fold
    question: str
    follows: str | None = None  # the id of the question this one follows up
    near_miss: bool = False
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)  # article id -> evidence strings

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


def load(questions: Path = QUESTIONS, corpus: Path | None = None) -> list[LabelledQuestion]:
    """Every labelled question, evidence resolved (raises ``LabelledSetError`` with what is missing)."""
    articles_file = (corpus or shared_corpus()) / "chip_trade_news.jsonl"
    if not articles_file.is_file():
        raise LabelledSetError(
            f"the shared corpus is not at {articles_file}: set CHIPBOT_SHARED_CORPUS to the folder that holds it"
        )
    with articles_file.open(encoding="utf-8") as fh:
        texts = {a["id"]: a["text"] for a in map(json.loads, fh)}
    found = []
    with questions.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            evidence = {
                a["article_id"]: tuple(texts[a["article_id"]][start:end] for start, end in a["evidence"])
                for a in row.get("answers", [])
            }
            story = row.get("story")
            found.append(
                LabelledQuestion(
                    id=row["id"],
                    split=row["split"],
                    kind=row["kind"],
                    story=story or row["id"],
                    question=row["question"],
                    follows=row.get("follows"),
                    near_miss=bool(row.get("near_miss")),
                    evidence=evidence,
                )
            )
    by_id = {q.id: q for q in found}
    return [  # a follow-up is asked after the question it follows: it belongs to that one's story
        q if not q.follows else LabelledQuestion(**{**q.__dict__, "story": by_id[q.follows].story}) for q in found
    ]


def load_file(path: Path, corpus: Path | None = None) -> list[LabelledQuestion]:
    """Questions from ``path`` in either format: the labelled set's (evidence as offsets, with a
    split) or the shared ``dev_questions.jsonl`` (one ``article_id`` and a verbatim ``evidence``)."""
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if any("answers" in row for row in rows):
        return load(path, corpus)
    return [
        LabelledQuestion(
            id=row["id"],
            split="test",
            kind="fact" if row.get("article_id") else "unanswerable",
            story=row["id"],
            question=row["question"],
            evidence={row["article_id"]: (row.get("evidence") or "",)} if row.get("article_id") else {},
        )
        for row in rows
    ]


def locate(evidence: str, text: str) -> tuple[int, int] | None:
    """Where ``evidence`` sits in ``text`` (the stored article may differ in whitespace), or None."""
    at = text.find(evidence)
    if at >= 0:
        return at, at + len(evidence)
    words = evidence.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None
