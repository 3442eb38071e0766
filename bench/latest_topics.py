"""`/latest topic` on the labelled topics: precision of its 10 lines before and after the relevance floor.

    .venv/bin/python bench/latest_topics.py [--backend auto|hash]

Indexes the shared corpus (cached in bench/out/latest-topics), searches each topic of
eval/topics/topics.jsonl once, and compares what `/latest` would list:
- before: the 30 best hits, dated ones sorted by date, the 10 newest (chipbot until this change);
- after: the same hits through ``TopicFloor`` first (fused-score depth and minimum cosine), then by date.
The floor is chosen on the *tune* half of the topics (split by a hash of the topic name) by mean F1
of the lines, and reported on the *test* half. Precision = lines about the topic / lines shown (0 when
none is shown); recall = those / min(10, dated articles about the topic); "rare" = at most 4 articles.
Topics the corpus does not cover (written here) show whether an unknown topic gets no lines; half of
them are in each split, and the floor is chosen by F1 on covered topics and 1/0 on uncovered ones.
The index is cached: delete bench/out/latest-topics-* after changing the corpus or the ingest.
The last table compares the follow judgement, which `/latest topic` uses where follows are offered
(``Timelines.latest``), with the index's floor alone, on the topics the topic models never saw.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from statistics import mean

from common import OUT, REPO, build_shared_index, fresh_data_dir, table

from index.fusion import TopicFloor
from index.search import LATEST_POOL, Index

TOPICS = REPO / "eval" / "topics" / "topics.jsonl"
LINES = 10
RARE = 4
DEPTHS = (5, 8, 10, 12, 15, 20, 30)
MIN_DENSE = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45)
# Topics the shared corpus does not cover (written for this benchmark; several share words with it,
# such as "market share", "exports to China", "mining"): the right answer is no lines at all.
UNKNOWN = [
    "GeForce gaming graphics cards",
    "smartwatch market share",
    "lithium mining in Chile",
    "football transfer window",
    "quantum computing startups",
    "Bitcoin mining rigs",
    "electric vehicle batteries",
    "smartphone camera reviews",
    "cloud gaming subscriptions",
    "wine exports to China",
    "Brazil CEITEC chip plant",
    "Tesla robotaxi launch",
    "solar panel anti-dumping duties",
    "Boeing aircraft deliveries",
    "coffee prices in Brazil",
    "streaming service price increases",
    "Olympic games broadcasting rights",
    "steel tariffs on Canada",
    "pharmaceutical drug patents",
    "cryptocurrency exchange regulation",
    "video game console sales",
    "wind turbine orders",
    "housing market interest rates",
    "satellite internet in Africa",
]


@dataclass
class Topic:
    name: str
    about: set[str]  # stored article ids (folded copies map to the article they were folded into)
    dated: int  # how many of them have a date (only dated articles can be listed)
    split: str


def halves(names: list[str]) -> dict[str, str]:
    """Tune or test for each name: ordered by a hash of the name, alternately (so the halves are even)."""
    ordered = sorted(names, key=lambda n: hashlib.sha1(n.encode()).hexdigest())
    return {name: ("tune", "test")[i % 2] for i, name in enumerate(ordered)}


def load_topics(index: Index) -> list[Topic]:
    stored: dict[str, str] = {}
    published: dict[str, bool] = {}
    for article in index.articles():
        stored[article.id] = article.id
        published[article.id] = article.published is not None
        for alternate in article.alternates:
            if alternate.article_id:
                stored.setdefault(alternate.article_id, article.id)
    records = [json.loads(line) for line in TOPICS.read_text(encoding="utf-8").splitlines()]
    split = halves([r["topic"] for r in records]) | halves(UNKNOWN)
    topics = []
    for record in records:
        about = {stored.get(i, i) for i in record["articles"]}
        topics.append(
            Topic(record["topic"], about, sum(published.get(i, False) for i in about), split[record["topic"]])
        )
    topics += [Topic(name, set(), 0, split[name]) for name in UNKNOWN]
    return topics


def scores(lines: list[str], topic: Topic) -> tuple[float, float]:
    """Precision and recall of the lines; for an unknown topic both are 1 when nothing is listed, else 0."""
    if not topic.about:
        return float(not lines), float(not lines)
    good = sum(article_id in topic.about for article_id in lines)
    precision = good / len(lines) if lines else 0.0
    recall = good / min(LINES, topic.dated) if topic.dated else float(not lines)
    return precision, recall


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def before(hits) -> list[str]:
    dated = [h.article for h in hits if h.article.published is not None]
    return [a.id for a in sorted(dated, key=lambda a: a.published, reverse=True)[:LINES]]


def summary(index: Index, topics: list[Topic], hits: dict[str, list], floor: TopicFloor | None) -> dict[str, float]:
    known, unknown, rare = [], [], []
    for topic in topics:
        if floor is None:
            lines = before(hits[topic.name])
        else:
            lines = [a.id for a in index.latest_about(hits[topic.name], LINES, floor)]
        precision, recall = scores(lines, topic)
        if not topic.about:
            unknown.append(not lines)
            continue
        known.append((precision, recall, not lines))
        if len(topic.about) <= RARE:
            rare.append((precision, recall))
    return {
        "topics": len(known),
        "P": mean(r[0] for r in known),
        "R": mean(r[1] for r in known),
        "F1": mean(f1(r[0], r[1]) for r in known),
        "rare": len(rare),
        "rare P": mean(r[0] for r in rare),
        "rare R": mean(r[1] for r in rare),
        "empty": sum(r[2] for r in known),
        "unknown": len(unknown),
        "said so": sum(unknown),
        # what the floor is chosen by: F1 over the covered topics, 1 per uncovered topic left empty
        "objective": mean([f1(r[0], r[1]) for r in known] + [float(u) for u in unknown]),
    }


def run(backend: str = "auto") -> str:
    data_dir = OUT / f"latest-topics-{backend}"
    if not (data_dir / "index" / "CURRENT").is_file():
        fresh_data_dir(data_dir)
        build_shared_index(data_dir, backend)
    from bot.service.settings import Settings
    from bot.service.wiring import open_index

    index = open_index(Settings.from_env(data_dir=data_dir, env={"CHIPBOT_EMBED_BACKEND": backend}))
    topics = load_topics(index)
    hits = {name: index.search(name, k=LATEST_POOL).hits for name in [t.name for t in topics] + UNKNOWN}
    tune = [t for t in topics if t.split == "tune"]
    test = [t for t in topics if t.split == "test"]

    grid = [TopicFloor(d, m) for d in DEPTHS for m in MIN_DENSE]
    tuned = {floor: summary(index, tune, hits, floor) for floor in grid}
    chosen = max(grid, key=lambda f: (round(tuned[f]["objective"], 6), tuned[f]["P"]))
    default = index.topic_floor
    out = [f"chosen on tune: depth {chosen.depth}, min_dense {chosen.min_dense}; in the code: {default}", ""]
    headers = ["split", "floor", "topics", "P", "R", "F1", "rare", "rare P", "rare R", "empty", "unknown: none listed"]
    rows = []
    for name, split in (("tune", tune), ("test", test)):
        for label, floor in (("before (none)", None), (f"after ({default.depth}, {default.min_dense})", default)):
            s = summary(index, split, hits, floor)
            said = f"{s['said so']} of {s['unknown']}"
            rows.append(
                [
                    name,
                    label,
                    s["topics"],
                    s["P"],
                    s["R"],
                    s["F1"],
                    s["rare"],
                    s["rare P"],
                    s["rare R"],
                    s["empty"],
                    said,
                ]
            )
    out.append(table(headers, rows))
    out += ["", "Unknown topics: lines listed", ""]
    unknown_rows = [
        [name, split_of(topics, name), len(before(hits[name])), len(index.latest_about(hits[name], LINES, default))]
        for name in UNKNOWN
    ]
    out.append(table(["topic", "split", "before", "after"], unknown_rows))
    out += ["", same_on_ranker_order(index, hits, default)]
    out += ["", follow_judgement(index, topics)]
    return "\n".join(out)


def follow_judgement(index: Index, topics: list[Topic]) -> str:
    """/latest on a topic as the bot lists it where follows are offered (``Timelines.latest``: the
    follow judgement, ``TopicRelevance`` at its floor, with the index's floor above as the gate for a
    topic the corpus does not cover), against the index's floor alone, on the topics by the split the
    topic models were fitted on (eval/topics: its test topics were never seen by them)."""
    from bot.answering.answerer import Answerer
    from bot.answering.topic_eval import load_topics as labelled_topics
    from bot.service.timeline import Timelines

    relevance = Answerer(index).relevance
    assert relevance is not None  # a real index stores sentence vectors
    timelines = Timelines(index, relevance, relevance.floor)
    fitted_on = {t.topic: t.split for t in labelled_topics(TOPICS)}
    rows = []
    for split in ("test", "tune"):
        group = [t for t in topics if fitted_on.get(t.name) == split]
        for label, newest in (("index floor", index.latest), ("follow judgement", timelines.latest)):
            found = [scores([a.id for a in newest(LINES, t.name)], t) for t in group]
            p, r = mean(x[0] for x in found), mean(x[1] for x in found)
            rows.append([f"{split} topics of the topic models", label, len(group), p, r, mean(f1(*x) for x in found)])
    unknown = [t for t in topics if not t.about]
    for label, newest in (("index floor", index.latest), ("follow judgement", timelines.latest)):
        empty = sum(not newest(LINES, t.name) for t in unknown)
        rows.append(["topics the corpus does not cover", label, len(unknown), f"none listed for {empty}", "", ""])
    return table(["topics", "lines by", "topics", "P", "R", "F1"], rows)


def same_on_ranker_order(index: Index, hits: dict[str, list], floor: TopicFloor) -> str:
    """The floor on the learned ranker's order of the same pool (``Answerer.search``, as `chipbot
    search` orders hits): the lines should not change, since the floor reads each hit's own scores."""
    from bot.answering.answerer import Answerer

    answerer = Answerer(index, k=LATEST_POOL)
    same, reordered = 0, 0
    for name, pool in hits.items():
        ranked = answerer.search(name, k=LATEST_POOL).hits
        reordered += [h.article.id for h in ranked] != [h.article.id for h in pool]
        same += index.latest_about(ranked, LINES, floor) == index.latest_about(pool, LINES, floor)
    return (
        f"On the ranker's order (Answerer.search, k={LATEST_POOL}): the same lines for {same} of {len(hits)} "
        f"topics ({reordered} pools re-ordered by the ranker)."
    )


def split_of(topics: list[Topic], name: str) -> str:
    return next(t.split for t in topics if t.name == name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="auto", help="embedding backend (auto: the real model)")
    print(run(parser.parse_args().backend))


if __name__ == "__main__":
    main()
