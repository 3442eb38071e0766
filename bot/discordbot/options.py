"""Bounds on every slash-command option, and how a value a user typed is echoed back.

Each string option declares its bound to Discord (``app_commands.Range``), whose client then refuses
longer values; the bot checks again (``too_long``), since a bound it did not check is no bound.
Whatever is echoed goes through ``echo``: markdown, mentions and backticks escaped, and clipped.
"""

from __future__ import annotations

import re

from discord import app_commands

from bot.discordbot.render import clip, escape
from bot.service.asking import MAX_SINCE_CHARS, BadOption

QUESTION_CHARS = 500  # the default Limits.max_question_chars; a lower runtime limit is checked too
SINCE_CHARS = MAX_SINCE_CHARS
SOURCE_CHARS = 100  # an outlet's domain
TOPIC_CHARS = 200
URL_CHARS = 2000
ECHO_CHARS = 60  # of a value shown back to the user

QuestionOption = app_commands.Range[str, 1, QUESTION_CHARS]
SinceOption = app_commands.Range[str, 1, SINCE_CHARS]
SourceOption = app_commands.Range[str, 1, SOURCE_CHARS]
TopicOption = app_commands.Range[str, 1, TOPIC_CHARS]
UrlOption = app_commands.Range[str, 1, URL_CHARS]


# Discord's markup for users, roles, channels and custom emoji: "<@123>", "<@&4>", "<#5>", "<:chip:6>".
_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>")
_LINE_MARKS = re.compile(r"^[ \t]*(?:>{1,3}|#{1,3}|-#)[ \t]+", re.M)  # quotes, headings, subtext
_MARKS = re.compile(r"\*\*|__|~~|\|\||`+")  # bold, underline, strike-through, spoiler, code
# *emphasis* or _emphasis_ around words, never inside one ("tsmc_arizona", a token's "tests_0123").
_EMPHASIS = re.compile(r"(?<!\w)[*_](?=\S)(.+?)(?<=\S)[*_](?!\w)")


def question_text(typed: str) -> str:
    """What a typed question asks, without Discord's markup: mentions, channel links and custom emoji
    dropped, markdown removed ("**what** is the _entity list_?": "what is the entity list?").

    >>> question_text("<@42> **what** is the _entity list_? <:chip:7>")
    'what is the entity list?'
    >>> question_text("> is `tsmc_arizona` on ||schedule||?")
    'is tsmc_arizona on schedule?'
    """
    text = _LINE_MARKS.sub("", _MARKUP.sub(" ", typed))
    return " ".join(_EMPHASIS.sub(r"\1", _MARKS.sub("", text)).split())


def echo(value: str, limit: int = ECHO_CHARS) -> str:
    """A value the user typed, safe to show back: one line, no markdown, no mentions, clipped."""
    return clip(escape(value), limit)


def too_long(option: str, value: str | None, limit: int) -> str | None:
    """A polite refusal when ``value`` is longer than ``limit``, else None."""
    if value is None or len(value) <= limit:
        return None
    return f"Please keep `{option}` under {limit} characters (it has {len(value)})."


def bad_option(error: BadOption) -> str:
    """What the user is told about an option value that could not be read."""
    return f"I couldn't read `{error.option}` “{echo(error.value)}”: {error.expected}"
