"""`chipbot run`, `chipbot sync [--guild ID]`, `chipbot feedback` and `chipbot status`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import urllib.error
import urllib.request

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
    status = sub.add_parser(
        "status", help="the index, the newest article and each feed's last refresh (no running bot needed)"
    )
    status.add_argument("--json", action="store_true", help="the same JSON object as /healthz")
    status.add_argument(
        "--live",
        action="store_true",
        help="ask the running bot's /healthz instead (CHIPBOT_HTTP_HOST/PORT); exit 1 unless it is healthy",
    )
    status.set_defaults(func=cmd_status)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.wiring import ensure_index

    index = ensure_index(settings)
    if not settings.discord_token:
        from bot.cli.ask import run_chat

        print("DISCORD_TOKEN is not set: starting a terminal session instead (see docs/discord.md).", file=sys.stderr)
        return int(run_chat(settings, sys.stdin, sys.stdout) or 0)
    from bot.discordbot.runner import InvalidToken, run_bot
    from bot.service.ops_http import EndpointError

    try:
        run_bot(settings, index)
    except InvalidToken:
        print(TOKEN_HELP, file=sys.stderr)
        return 2
    except EndpointError as exc:
        print(f"chipbot run: {exc}", file=sys.stderr)
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


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    if args.live:
        return _live_status(args, settings)
    from bot.service.health import Health, IndexFacts
    from bot.service.refresh_journal import RefreshJournal

    health = Health(IndexFacts.on_disk(settings.data_dir), RefreshJournal.open(settings.data_dir).feeds())
    if args.json:
        print(json.dumps(health.as_json(), indent=1))
    else:
        print(f"data directory: {settings.data_dir}")
        print("\n".join(health.lines()))
    return 0


def _live_status(args: argparse.Namespace, settings: Settings) -> int:
    """GET /healthz of the bot running with these settings: 0 when healthy (for HEALTHCHECK)."""
    if settings.http_port is None:
        print("chipbot status --live: CHIPBOT_HTTP_PORT=off, so the bot serves no /healthz", file=sys.stderr)
        return 2
    host = "127.0.0.1" if settings.http_host in ("0.0.0.0", "::", "") else settings.http_host
    url = f"http://{host}:{settings.http_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read().decode()
    except OSError as exc:
        print(f"chipbot status --live: no answer from {url} ({exc})", file=sys.stderr)
        return 1
    if args.json:
        print(body)
    else:
        from bot.service.health import Health

        print(f"{url}: HTTP {status}")
        print("\n".join(Health.from_json(json.loads(body)).lines()))
    return 0 if status == 200 else 1
