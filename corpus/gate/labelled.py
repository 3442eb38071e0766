"""The gate's labelled set: written feed items, the shared corpus's articles, admins' corrections.

- ``eval/gate/items.jsonl``: feed items written in our own words, on-topic (label 1) and off-topic
  (label 0), split into tune and test by a fixed hash of their id (about 60/40).
- The shared development corpus (``../shared/corpus/chip_trade_news.jsonl``): every article is
  chip-trade news (label 1). Read at training time, never copied; each follows the fixed story split
  of ``eval/questions/stories.jsonl``, so an article never trains the gate on one side and tests it
  on the other while a sibling of it sits across the split.
- Corrections recorded by ``chipbot admit`` / ``chipbot reject`` (see ``ledger.py``): tune only, so
  the test split stays the one the figures were reported on.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError
from corpus.gate.model import GateItem

TEST_PERCENT = 40
_INFERRED = re.compile(r"\s*\(inferred[^)]*\)\s*$")


class LabelledSetError(CorpusError):
    """A labelled-set file is missing or malformed."""


@dataclass(frozen=True)
class Labelled:
    id: str
    label: int  # 1: chip-trade news, 0: off-topic
    split: str  # tune | test
    group: str  # items that must stay in one cross-validation fold (an article's story group)
    origin: str  # written | shared | correction
    item: GateItem
    hard: bool = False
    kind: str = ""


def hash_split(item_id: str) -> str:
    """``test`` for about TEST_PERCENT% of ids, fixed forever by a hash of the id alone."""
    bucket = int(hashlib.sha256(f"gate-split:{item_id}".encode()).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_PERCENT else "tune"


def _lines(path: Path) -> Iterable[tuple[int, dict]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise LabelledSetError(f"cannot read {path} ({exc})") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except ValueError as exc:
                    raise LabelledSetError(f"{path}:{number}: not valid JSON ({exc})") from exc


def load_written(path: Path) -> list[Labelled]:
    out = []
    for number, row in _lines(path):
        try:
            label = int(row["label"])
            if label not in (0, 1) or not row["text"].strip():
                raise ValueError("label must be 0 or 1 and text non-empty")
            item = GateItem(title=row.get("title"), summary=row.get("summary"), text=row["text"])
            split = hash_split(row["id"])
            out.append(
                Labelled(row["id"], label, split, row["id"], "written", item, bool(row.get("hard")), row["kind"])
            )
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise LabelledSetError(f"{path}:{number}: not a labelled item ({exc})") from exc
    return out


def load_shared(corpus_path: Path, stories_path: Path) -> list[Labelled]:
    """The shared corpus's articles as positives, split by their story (``stories.jsonl``)."""
    if not corpus_path.is_file():
        raise LabelledSetError(
            f"the shared corpus is not at {corpus_path}: the gate's positives come from it "
            "(give its path, or set CHIPBOT_SHARED_CORPUS to the folder holding chip_trade_news.jsonl)"
        )
    story_of: dict[str, tuple[str, str]] = {}
    for _, story in _lines(stories_path):
        for article_id in story["articles"]:
            story_of[article_id] = (story["split"], story["group"])
    out = []
    for number, row in _lines(corpus_path):
        if row["id"] not in story_of:
            raise LabelledSetError(f"{corpus_path}:{number}: article {row['id']} is in no story of {stories_path}")
        split, group = story_of[row["id"]]
        title = _INFERRED.sub("", row.get("title") or "") or None
        out.append(Labelled(row["id"], 1, split, group, "shared", GateItem(title=title, text=row["text"])))
    return out


def fingerprint(items: Iterable[Labelled]) -> str:
    """A hash of the set's ids, labels and splits: the weights file records the set it was trained for."""
    rows = sorted(f"{i.id}\t{i.label}\t{i.split}\t{i.origin}" for i in items)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
