"""`chipbot timeline TOPIC [--since D] --out FILE.png`: a topic's coverage over time, as a chart."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.service.wiring import open_index

if TYPE_CHECKING:
    from bot.service.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    timeline = sub.add_parser("timeline", help="chart a topic's coverage per week and outlet (PNG)")
    timeline.add_argument("topic", nargs="+", metavar="TOPIC")
    timeline.add_argument("--since", metavar="D", help="start date: 2025-03-01, or a span such as 6m or 1y")
    timeline.add_argument("--out", type=Path, required=True, metavar="FILE.png", help="where to write the chart")
    timeline.set_defaults(func=cmd_timeline)


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering.answerer import Answerer
    from bot.service.asking import BadOption, parse_since
    from bot.service.chart import render_png
    from bot.service.wiring import make_follows
    from index.errors import IndexStageError

    try:
        since = parse_since(args.since, date.today())
    except BadOption as exc:
        print(f"chipbot: {exc}", file=sys.stderr)
        return 2
    try:
        index = open_index(settings)
        _, timelines = make_follows(settings, index, Answerer(index))
        built = timelines.build(" ".join(args.topic), since)
        png = render_png(built)
        args.out.write_bytes(png)
    except (IndexStageError, OSError) as exc:
        print(f"chipbot: {exc}", file=sys.stderr)
        return 1
    print(built.summary)
    print(f"wrote {args.out} ({len(png):,} bytes)")
    return 0
