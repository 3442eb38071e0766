"""What the topic gate is worth in answers: figures with the off-topic items rejected vs force-admitted.

    .venv/bin/python bench/gate_answers.py --split tune   # to check the script
    .venv/bin/python bench/gate_answers.py --split test   # the comparison: only when a change is final

Index "gated": the shared corpus (147 chip-trade articles) and every written item of
eval/gate/items.jsonl (title, summary + text), all ingested through the trained gate as if they
arrived from the feeds. Index "forced": the same, then every item the gate kept out admitted by
force (`chipbot admit`), so the off-topic items sit in the index as they would without a gate.

Questions: the labelled set of eval/questions, one split (the chip-trade questions chipbot is for),
answered by the shipped answer engine (learned ranker, quoter, abstainer) and scored exactly as
`chipbot eval` scores them (bot/service/labelled.py, bot/service/evaluation.py): by question kind,
cited first, evidence quoted, wrongly abstained, abstention precision and recall; a follow-up is
asked right after the question it follows. Also counted: answers whose citation [1] is an off-topic
written item.

And questions chipbot is not for: eval/gate/offtopic_questions.jsonl, 24 questions written from
off-topic items of the gate's test split ("How much does the RTX 5060 cost?"). chipbot should say
it has no coverage; counted: abstained, answered from the off-topic item itself, from another
off-topic item, or from a chip-trade article.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import MODEL, OUT, REPO, SHARED, fresh_data_dir, table

from bot.answering.answerer import Answerer
from bot.service import evaluation, labelled
from bot.service.evaluation import Figures, Outcome
from corpus.gate.ledger import GateLedger
from corpus.gate.model import GateModel, TopicGate
from corpus.gate.overrule import admit
from corpus.pipeline import ingest
from corpus.store import open_store
from index.builder import update_index
from index.embed import Embedder, make_embedder
from index.search import Index

ITEMS = REPO / "eval" / "gate" / "items.jsonl"
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
            f"shared corpus: {len(shared.added)} admitted, {len(shared.rejected)} kept out "
            f"({', '.join(r.article_id for r in shared.rejected) or 'none'}); "
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


def off_topic_behaviour(answerer: Answerer, questions: list[dict], off: set[str]) -> Counter[str]:
    """How chipbot answers questions about off-topic items: abstains, or cites what first."""
    seen: Counter[str] = Counter()
    for question in questions:
        answer = answerer.answer(question["question"])
        first = answer.citations[0].article.id if answer.citations else None
        if answer.abstained:
            seen["abstained"] += 1
        elif first == question["item"]:
            seen["answered from the item itself"] += 1
        elif first in off:
            seen["answered from another off-topic item"] += 1
        else:
            seen["answered from a chip-trade article"] += 1
    return seen


def _pct(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1%}"


METRICS = (
    ("cited first", "cited_first"),
    ("evidence quoted", "evidence_quoted"),
    ("wrongly abstained", "wrongly_abstained"),
    ("abstention recall", "abstention_recall"),
    ("abstention precision", "abstention_precision"),
)


def side_by_side(gated: dict[str, Figures], forced: dict[str, Figures]) -> str:
    """One row per question kind; each metric as gated / forced."""
    rows = [
        (
            kind,
            figures.questions,
            *(f"{_pct(getattr(figures, a))} / {_pct(getattr(forced[kind], a))}" for _, a in METRICS),
        )
        for kind, figures in gated.items()
    ]
    return table(["kind", "questions", *(f"{name} (gated / forced)" for name, _ in METRICS)], rows)


def off_topic_first(outcomes: list[Outcome], off: set[str]) -> str:
    """Answers (not abstentions) whose citation [1] is an off-topic written item."""
    answered = [o for o in outcomes if not o.abstained]
    hits = sum(o.cited in off for o in answered)
    return f"{hits}/{len(answered)}"


def sizes(built: tuple[Built, Built], outcomes: dict[str, list[Outcome]], off: set[str]) -> str:
    head = ["index", "articles (off-topic)", "chunks", "build s", "answers citing an off-topic item first"]
    rows = [
        (
            b.name,
            f"{b.articles} ({b.off_topic_articles})",
            b.chunks,
            f"{b.seconds:.0f}",
            off_topic_first(outcomes[b.name], off),
        )
        for b in built
    ]
    return table(head, rows)


BEHAVIOUR = (
    "abstained",
    "answered from the item itself",
    "answered from another off-topic item",
    "answered from a chip-trade article",
)


def not_for_us(built: tuple[Built, Built], behaviour: dict[str, Counter[str]]) -> str:
    return table(["index", *BEHAVIOUR], [(b.name, *(behaviour[b.name][key] for key in BEHAVIOUR)) for b in built])


def run(split: str) -> str:
    questions = labelled.load()  # raises LabelledSetError naming the missing shared corpus
    by_id = {q.id: q for q in questions}
    chosen = [q for q in questions if q.split == split]
    data_dir = fresh_data_dir(OUT / "gate-answers")
    embedder = make_embedder(MODEL, "auto", cache_dir=data_dir / "models")
    gate = TopicGate(GateModel.load(), embedder)
    items, off = written_feed_items(OUT / "gate-items.jsonl")
    built = build(data_dir, embedder, gate, items, off)
    off_questions = [json.loads(line) for line in OFF_TOPIC_QUESTIONS.open(encoding="utf-8") if line.strip()]
    outcomes: dict[str, list[Outcome]] = {}
    behaviour: dict[str, Counter[str]] = {}
    for b in built:
        answerer = Answerer(b.index)
        answerer.warm()  # load the models before timing
        outcomes[b.name] = evaluation.run(answerer, chosen, by_id)
        behaviour[b.name] = off_topic_behaviour(answerer, off_questions, off)
    gated, forced = (evaluation.by_kind(outcomes[b.name]) for b in built)

    lines = [
        f"Answers on the {split} split ({len(chosen)} labelled questions), gate threshold {gate.threshold:.3f}, "
        f"model {MODEL} ({embedder.backend})",
        "",
        sizes(built, outcomes, off),
        "",
        side_by_side(gated, forced),
        "",
        f"Questions chipbot is not for ({len(off_questions)}, eval/gate/offtopic_questions.jsonl):",
        "",
        not_for_us(built, behaviour),
        "",
    ]
    lines += [f"{b.name}: {b.note}" for b in built]
    differs = [
        (g.question.id, g.question.kind, "gated" if g.cited_first else "forced", g.cited, f.cited)
        for g, f in zip(outcomes["gated"], outcomes["forced"], strict=True)
        if g.question.answerable and g.cited_first != f.cited_first
    ]
    lines.append(f"answerable questions cited first by only one index: {len(differs)}")
    lines += [f"  {qid} ({kind}): right only {who}; [1] gated={a}, forced={b}" for qid, kind, who, a, b in differs]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("tune", "test"), required=True)
    print(run(parser.parse_args().split))


if __name__ == "__main__":
    main()
