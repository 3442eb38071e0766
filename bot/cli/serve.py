"""`chipbot run`, `chipbot sync [--guild ID]` and `chipbot feedback`."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.service.settings import Settings

log = logging.getLogger(__name__)

TOKEN_HELP = (
    "Discord rejected DISCORD_TOKEN. Copy the bot token from the Developer Portal "
    "(your application > Bot > Reset Token) into DISCORD_TOKEN or .env; see docs/discord.md."
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the parser."""
    run = sub.add_parser("run", help="run the Discord bot (or a terminal Q&A session without DISCORD_TOKEN)")
    run.set_defaults(func=cmd_run)
    sync = sub.add_parser("sync", help="register the slash commands with Discord (after adding or changing them)")
    sync.add_argument("--guild", type=int, help="sync to this server only (instant) instead of globally")
    sync.set_defaults(func=cmd_sync)
    feedback = sub.add_parser("feedback", help="summarise 👍/👎 votes and list the questions chipbot abstained on")
    feedback.add_argument("--limit", type=int, default=20, help="how many questions to list (default 20)")
    feedback.set_defaults(func=cmd_feedback)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.wiring import ensure_index

    index = ensure_index(settings)
    if not settings.discord_token:
        from bot.cli.ask import run_chat

        print("DISCORD_TOKEN is not set: starting a terminal session instead (see docs/discord.md).", file=sys.stderr)
        return int(run_chat(settings, sys.stdin, sys.stdout) or 0)
    from bot.discordbot.runner import InvalidToken, run_bot

    try:
        run_bot(settings, index)
    except InvalidToken:
        print(TOKEN_HELP, file=sys.stderr)
        return 2
    except OSError as exc:  # aiohttp's connection errors are OSErrors too
        print(f"Could not reach Discord ({type(exc).__name__}); check the network and try again.", file=sys.stderr)
        return 1
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.discord_token:
        print("chipbot sync needs DISCORD_TOKEN (environment or .env); see docs/discord.md.", file=sys.stderr)
        return 2
    from bot.discordbot.runner import InvalidToken, sync_commands
    from bot.service.wiring import ensure_index

    try:
        names = sync_commands(settings, ensure_index(settings), guild_id=args.guild)
    except InvalidToken:
        print(TOKEN_HELP, file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Could not reach Discord ({type(exc).__name__}); check the network and try again.", file=sys.stderr)
        return 1
    where = f"server {args.guild}" if args.guild else "all servers (global commands can take up to an hour to appear)"
    print(f"synced {len(names)} commands to {where}: {', '.join(names)}")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.feedback_store import FeedbackStore, format_summary

    path = settings.data_dir / "feedback.db"
    if not path.is_file():
        print(f"no feedback yet ({path} does not exist)")
        return 0
    store = FeedbackStore(path)
    try:
        print(format_summary(store.summary(args.limit)))
    finally:
        store.close()
    return 0
