"""`chipbot` subcommands for the answer stage: ``ask`` and ``chat``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from bot.answering.answerer import Answerer
    from bot.service.settings import Settings

CHAT_USER = "terminal"
EXIT_WORDS = frozenset({"exit", "quit", ":q", "/quit", "/exit"})


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the parser."""
    ask = sub.add_parser("ask", help="answer questions with cited snippets")
    ask.add_argument("questions", nargs="+", metavar="QUESTION", help="one or more questions (quote each one)")
    ask.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="only articles published on or after")
    ask.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="only articles published on or before")
    ask.add_argument(
        "--source",
        action="append",
        dest="sources",
        metavar="DOMAIN",
        help="only articles from this outlet (repeatable)",
    )
    ask.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    ask.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", help="interactive questions with follow-ups (reads lines when piped)")
    chat.set_defaults(func=cmd_chat)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.output import answer_json, render_plain
    from bot.service.wiring import make_answerer
    from index.errors import IndexStageError

    try:
        answerer = make_answerer(settings)
    except IndexStageError as exc:
        print(f"chipbot ask: {exc}", file=sys.stderr)
        return 2
    for i, question in enumerate(args.questions):
        answer = answerer.answer(question, since=args.since, until=args.until, sources=args.sources)
        if args.json:
            print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
        else:
            if i:
                print()
            print(f"Q: {question}\n{render_plain(answer)}", flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    return run_chat(settings, sys.stdin, sys.stdout)


def run_chat(settings: Settings, stdin: TextIO, stdout: TextIO, *, answerer: Answerer | None = None) -> int:
    """Answer questions line by line, with follow-ups; prompts only when ``stdin`` is a terminal.

    Without an index in the data dir, one is first built from the bundled sample corpus.
    """
    from bot.answering.answerer import EMPTY_QUESTION
    from bot.cli.output import render_plain
    from bot.service.conversations import Conversations
    from bot.service.wiring import make_answerer

    interactive = stdin.isatty()
    if answerer is None:
        if interactive:
            print("Loading chipbot…", file=stdout, flush=True)
        answerer = make_answerer(settings, bootstrap=True)
    conversation = Conversations().get(CHAT_USER, CHAT_USER)
    if interactive:
        print("Ask about chip-trade news (follow-ups work; 'exit' or Ctrl-D to leave).", file=stdout, flush=True)
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            if interactive:
                print(EMPTY_QUESTION, file=stdout, flush=True)
            continue
        if question.lower() in EXIT_WORDS:
            break
        answer = answerer.answer(question, conversation=conversation)
        print(render_plain(answer) + "\n", file=stdout, flush=True)
    return 0
