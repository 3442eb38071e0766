"""The ``chipbot`` command line. Each concern registers its subcommands from its own module.

Heavy libraries (torch, discord, trafilatura) are imported inside the commands that need them,
so that ``chipbot ask`` starts fast.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot.cli import ask, gate, ingest, search, serve, timeline, train
from bot.service.settings import Settings, SettingsError, load_dotenv_file

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chipbot", description="Cited answers about chip-trade news, in Discord and the terminal."
    )
    parser.add_argument("--data-dir", help="where articles and the index live (env CHIPBOT_DATA_DIR)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (ingest, gate, search, ask, serve, timeline, train):
        module.register(sub)
    # `--data-dir` is accepted before or after the subcommand (`chipbot ingest x --data-dir d`).
    for command in sub.choices.values():
        command.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    load_dotenv_file()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = Settings.from_env(data_dir=getattr(args, "data_dir", None))
    except SettingsError as exc:
        print(f"chipbot: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
