"""Questions framed the way people open them in chat, against the bare topic: does the framing change the answer?

    .venv/bin/python bench/framed_questions.py [--data-dir DIR] [--split tune|test]

For every labelled topic of one split (eval/topics/topics.jsonl), chipbot is asked the topic bare
("Nexperia?") and framed ("Tell me about Nexperia.", "What happened with Nexperia?", ...). Counted
per framing: answers abstained on, answers whose citation [1] is one of the topic's labelled
articles, and those whose [1] is the topic's newest dated labelled article (what "the latest on"
asks for; other framings ask for no date). The bare topic is the baseline in the same run: a framing
should change neither, except that "the latest" should lead with the newest story.
The labelled topics are whole subjects, so these are overview questions; the labelled questions
of eval/questions (specific facts) are what `chipbot eval` measures.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from common import OUT, REPO, table
from topic_relevance import open_shared_index

from bot.answering.answerer import Answerer
from bot.answering.followup import Conversation
from bot.answering.topic_eval import load_topics

FRAMINGS = (
    "{}?",
    "Tell me about {}.",
    "What happened with {}?",
    "What's the deal with {}?",
    "any updates on {}",
    "Can you explain {}?",
    "hey, quick question: what's going on with {}?",
    "What's the status of {}?",
    "any news on {}?",
    "update on {}?",
    "where do things stand with {}?",
    "What's the latest on {}?",
    "latest news on {}",
)
IN_CONVERSATION = ("Tell me about {}.", "What's happening with {}?")


def run(data_dir: Path | None, split: str) -> str:
    _, index = open_shared_index(data_dir or OUT / "framed-questions")
    answerer = Answerer(index)
    topics = [t for t in load_topics(REPO / "eval" / "topics" / "topics.jsonl") if t.split == split]
    published = {a.id: a.published for a in index.articles()}
    rows = []
    for framing in FRAMINGS:
        abstained = on_topic = newest = 0
        for topic in topics:
            answer = answerer.answer(framing.format(topic.topic))
            abstained += answer.abstained
            first = answer.citations[0].article.id if answer.citations else None
            on_topic += first in topic.articles
            dates = [d for i in topic.articles if (d := published.get(i))]
            newest += first in topic.articles and bool(dates) and published.get(first or "") == max(dates)
        share = on_topic / len(topics)
        rows.append([framing.format("TOPIC"), len(topics), abstained, on_topic, share, newest])
    # The same in a conversation, right after a question on the topic before it in the list: a new
    # subject asked for by request is not a follow-up of that question.
    for framing in IN_CONVERSATION:
        abstained = on_topic = 0
        for before, topic in zip([topics[-1], *topics], topics):
            conversation = Conversation()
            answerer.answer(f"{before.topic}?", conversation=conversation)
            answer = answerer.answer(framing.format(topic.topic), conversation=conversation)
            abstained += answer.abstained
            on_topic += bool(answer.citations) and answer.citations[0].article.id in topic.articles
        label = framing.format("TOPIC") + ", after a question on another topic"
        rows.append([label, len(topics), abstained, on_topic, on_topic / len(topics), ""])
    return table(["asked as", "topics", "abstained", "[1] on the topic", "share on the topic", "[1] newest"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="an index of the shared corpus to reuse (built if absent)")
    parser.add_argument("--split", choices=["tune", "test"], default="tune", help="test: only when a change is final")
    args = parser.parse_args()
    print(run(args.data_dir, args.split))


if __name__ == "__main__":
    main()
