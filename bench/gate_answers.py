"""What the topic gate is worth in answers: figures with the off-topic items rejected vs force-admitted.

    .venv/bin/python bench/gate_answers.py --split tune   # to check the script
    .venv/bin/python bench/gate_answers.py --split test   # the comparison: run once, at the end

Index "gated": the shared corpus (147 chip-trade articles) and every written item of
eval/gate/items.jsonl (title, summary + text), all ingested through the trained gate as if they
arrived from the feeds. Index "forced": the same, then every item the gate kept out admitted by
force (`chipbot admit`), so the off-topic items sit in the index as they would without a gate.

Questions: eval/questions/questions.jsonl of one split (the chip-trade questions chipbot is for).
An answerable question is right when citation [1] is one of its ``answers`` article ids (or a copy
folded into one); a follow-up is asked right after the question it follows, in one conversation.
Also counted: answers whose citation [1] is an off-topic written item, and abstentions.

And questions chipbot is not for: eval/gate/offtopic_questions.jsonl, 24 questions written from
off-topic items of the gate's test split ("How much does the RTX 5060 cost?"). chipbot should say
it has no coverage; counted: abstained, and answered from the off-topic item itself.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import MODEL, OUT, REPO, SHARED, fresh_data_dir, table

from bot.answering.answerer import Answerer
from bot.answering.followup import Conversation
from bot.answering.types import Answer
from corpus.gate.ledger import GateLedger
from corpus.gate.model import GateModel, TopicGate
from corpus.gate.overrule import admit
from corpus.pipeline import ingest
from corpus.store import open_store
from index.builder import update_index
from index.embed import Embedder, make_embedder
from index.search import Index

ITEMS = REPO / "eval" / "gate" / "items.jsonl"
QUESTIONS = REPO / "eval" / "questions" / "questions.jsonl"
OFF_TOPIC_QUESTIONS = REPO / "eval" / "gate" / "offtopic_questions.jsonl"


def written_feed_items(path: Path) -> tuple[Path, set[str]]:
    """The written items as feed-like JSONL records; returns the file and the off-topic ids."""
    rows = [json.loads(line) for line in ITEMS.open(encoding="utf-8") if line.strip()]
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            record = {
                "id": row["id"],
                "url": f"https://{row['feed']}.example/{row['id']}",
                "title": row["title"],
                "text": f"{row['summary']}\n\n{row['text']}",
            }
            out.write(json.dumps(record) + "\n")
    return path, {row["id"] for row in rows if row["label"] == 0}


@dataclass
class Built:
    name: str
    index: Index
    articles: int
    chunks: object  # as Index.stats() reports it
    off_topic_articles: int
    note: str
    seconds: float


def build(data_dir: Path, embedder: Embedder, gate: TopicGate, items: Path, off: set[str]) -> tuple[Built, Built]:
    started = time.perf_counter()
    with open_store(data_dir) as store:
        shared = ingest([str(SHARED / "chip_trade_news.jsonl")], store, gate=gate)
        written = ingest([str(items)], store, gate=gate)
        update_index(data_dir, store, embedder)
        ids = {a.id for a in store.articles()}
        gated_s = time.perf_counter() - started
        index = Index.open(data_dir, embedder)
        kept_out = [r.article.id for r in GateLedger(store).rejected_items()]
        note = (
            f"shared corpus: {len(shared.added)} admitted, {len(shared.rejected)} kept out; "
            f"written: {len(written.added)} admitted, {len(written.rejected)} kept out"
        )
        gated = Built("gated", index, len(ids), index.stats()["chunks"], len(ids & off), note, gated_s)
        started = time.perf_counter()
        for item_id in kept_out:
            admit(store, item_id)
        update_index(data_dir, store, embedder)
        forced_s = time.perf_counter() - started
        ids = {a.id for a in store.articles()}
    index = Index.open(data_dir, embedder)
    note = f"+{len(kept_out)} kept-out items force-admitted"
    forced = Built("forced", index, len(ids), index.stats()["chunks"], len(ids & off), note, forced_s)
    return gated, forced


@dataclass
class Figures:
    answerable: int = 0
    right: int = 0
    abstained: int = 0
    off_topic_first: int = 0
    unanswerable: int = 0
    unanswerable_abstained: int = 0
    not_for_us: int = 0  # questions about off-topic items
    not_for_us_abstained: int = 0
    not_for_us_from_item: int = 0  # answered, citing the off-topic item first
    misses: dict[str, str] = field(default_factory=dict)  # question id -> what went wrong


def first_cites(answer: Answer, wanted: set[str]) -> bool:
    if not answer.citations:
        return False
    first = answer.citations[0]
    return first.article.id in wanted or any(a.article_id in wanted for a in first.alternates)


def score(index: Index, questions: list[dict], off: set[str]) -> Figures:
    answerer = Answerer(index)
    by_id = {q["id"]: q for q in questions}
    figures = Figures()
    for question in questions:
        conversation = Conversation()
        if question.get("follows") in by_id:
            answerer.answer(by_id[question["follows"]]["question"], conversation=conversation)
        answer = answerer.answer(question["question"], conversation=conversation)
        wanted = {a["article_id"] for a in question.get("answers") or []}
        first = answer.citations[0].article.id if answer.citations else None
        if not wanted:
            figures.unanswerable += 1
            figures.unanswerable_abstained += answer.abstained
            continue
        figures.answerable += 1
        figures.abstained += answer.abstained
        figures.off_topic_first += first in off
        if first_cites(answer, wanted):
            figures.right += 1
        else:
            figures.misses[question["id"]] = "abstained" if answer.abstained else f"[1] = {first}"
    return figures


def score_off_topic(index: Index, questions: list[dict], figures: Figures) -> None:
    answerer = Answerer(index)
    for question in questions:
        answer = answerer.answer(question["question"])
        figures.not_for_us += 1
        figures.not_for_us_abstained += answer.abstained
        figures.not_for_us_from_item += bool(answer.citations) and answer.citations[0].article.id == question["item"]


def rows(built: Iterable[tuple[Built, Figures]]) -> str:
    def pct(part: int, whole: int) -> str:
        return f"{part / whole:.1%} ({part}/{whole})" if whole else "-"

    return table(
        [
            "index",
            "articles (off-topic)",
            "chunks",
            "answerable: right article cited [1]",
            "abstained",
            "[1] is an off-topic item",
            "unanswerable: abstained",
            "not chip-trade: abstained",
            "not chip-trade: answered from the item",
        ],
        [
            (
                b.name,
                f"{b.articles} ({b.off_topic_articles})",
                b.chunks,
                pct(f.right, f.answerable),
                pct(f.abstained, f.answerable),
                pct(f.off_topic_first, f.answerable),
                pct(f.unanswerable_abstained, f.unanswerable),
                pct(f.not_for_us_abstained, f.not_for_us),
                pct(f.not_for_us_from_item, f.not_for_us),
            )
            for b, f in built
        ],
    )


def run(split: str) -> str:
    if not (SHARED / "chip_trade_news.jsonl").is_file():
        raise SystemExit(f"the shared corpus is not at {SHARED}: set CHIPBOT_SHARED_CORPUS")
    data_dir = fresh_data_dir(OUT / "gate-answers")
    embedder = make_embedder(MODEL, "auto", cache_dir=data_dir / "models")
    model = GateModel.load()
    gate = TopicGate(model, embedder)
    items, off = written_feed_items(OUT / "gate-items.jsonl")
    gated, forced = build(data_dir, embedder, gate, items, off)
    questions = [q for q in map(json.loads, QUESTIONS.open(encoding="utf-8")) if q["split"] == split]
    scored = [(b, score(b.index, questions, off)) for b in (gated, forced)]
    off_questions = [json.loads(line) for line in OFF_TOPIC_QUESTIONS.open(encoding="utf-8") if line.strip()]
    for built, figures in scored:
        score_off_topic(built.index, off_questions, figures)
    lines = [f"Answers on the {split} split ({len(questions)} questions), gate threshold {gate.threshold:.3f}", ""]
    lines.append(rows(scored))
    lines += ["", f"gated: {gated.note} ({gated.seconds:.0f} s to ingest and index)"]
    lines.append(f"forced: {forced.note} ({forced.seconds:.0f} s to store and index them)")
    (_, with_gate), (_, without) = scored
    only_gated = {q: why for q, why in with_gate.misses.items() if q not in without.misses}
    only_forced = {q: why for q, why in without.misses.items() if q not in with_gate.misses}
    lines.append(f"missed only with the gate: {only_gated or 'none'}")
    lines.append(f"missed only without it: {only_forced or 'none'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("tune", "test"), required=True)
    print(run(parser.parse_args().split))


if __name__ == "__main__":
    main()
