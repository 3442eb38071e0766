"""The ``chipbot`` command line. Each concern registers its subcommands from its own module.

Heavy libraries (torch, discord, trafilatura) are imported inside the commands that need them,
so that ``chipbot ask`` starts fast.
"""

from __future__ import annotations

import argparse
import logging
import sys

from bot.cli import ask, gate, ingest, search, serve, timeline, train
from bot.service.logs import configure_logging
from bot.service.settings import LOG_LEVELS, Settings, SettingsError, load_dotenv_file

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chipbot", description="Cited answers about chip-trade news, in Discord and the terminal."
    )
    parser.add_argument("--data-dir", help="where articles and the index live (env CHIPBOT_DATA_DIR)")
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        metavar="LEVEL",
        help="log LEVEL (DEBUG, INFO, WARNING, ERROR) and above (env CHIPBOT_LOG_LEVEL; default INFO for the bot)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages (--log-level DEBUG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (ingest, gate, search, ask, serve, timeline, train):
        module.register(sub)
    # `--data-dir` and `--log-level` are accepted before or after the subcommand (`chipbot run --log-level debug`).
    for command in sub.choices.values():
        command.add_argument("--data-dir", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        command.add_argument(
            "--log-level", type=str.upper, choices=LOG_LEVELS, default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    return parser


def log_level(args: argparse.Namespace, settings: Settings) -> str:
    """--log-level, else -v, else CHIPBOT_LOG_LEVEL, else INFO when `run` starts the Discord bot
    (the journal should show it connect and answer) and WARNING for the terminal commands."""
    if args.log_level:
        return str(args.log_level)
    if args.verbose:
        return "DEBUG"
    if settings.log_level:
        return settings.log_level
    return "INFO" if args.command == "run" and settings.discord_token else "WARNING"


def main(argv: list[str] | None = None) -> int:
    load_dotenv_file()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(data_dir=getattr(args, "data_dir", None))
    except SettingsError as exc:
        print(f"chipbot: {exc}", file=sys.stderr)
        return 2
    secrets = [settings.discord_token or "", settings.llm_api_key or ""]
    configure_logging(log_level(args, settings), settings.log_format, secrets=secrets)
    try:
        return int(args.func(args, settings) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
