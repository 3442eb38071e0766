"""How an interaction is answered: the texts every surface shares, and :class:`Reply`.

Discord wants an acknowledgement within 3 s, and a public "thinking…" placeholder fixes the
visibility of the first follow-up. ``Reply`` keeps that state in one place: a command calls
``thinking()``, then ``send()`` with the result or ``private()`` with a short note; ``private()``
removes a public placeholder first, so a refusal never shows in the channel and a sent answer is
never deleted. The error handlers reach the same object through ``Reply.of(interaction)``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.discordbot.render import MAX_CONTENT, NO_MENTIONS, Rendered, clip

if TYPE_CHECKING:
    from bot.service.collaborators import Services

log = logging.getLogger(__name__)

ERROR_TEXT = "Sorry, something went wrong while answering. It has been logged; please try again."
BUSY_TEXT = "I'm answering a lot of questions right now; please try again in a minute."
_KEY = "chipbot_reply"


def services_of(interaction: discord.Interaction) -> Services:
    """The collaborators of the bot that received the interaction (always a ``ChipBot``)."""
    return interaction.client.services  # type: ignore[attr-defined]


class Reply:
    """The one reply of one interaction (``Reply.of(interaction)`` always gives the same object)."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction
        self._public_placeholder = False

    @classmethod
    def of(cls, interaction: discord.Interaction) -> Reply:
        reply = interaction.extras.get(_KEY)
        if not isinstance(reply, Reply):
            reply = interaction.extras[_KEY] = cls(interaction)
        return reply

    async def thinking(self, *, private: bool = False) -> None:
        """Acknowledge at once with a "thinking…" placeholder (answers take longer than 3 s)."""
        await self.interaction.response.defer(ephemeral=private, thinking=True)
        self._public_placeholder = not private

    async def send(
        self,
        rendered: Rendered,
        *,
        view: discord.ui.View | None = None,
        private: bool = False,
        files: Sequence[discord.File] = (),
    ) -> None:
        """Send the result (with ``files`` attached); after ``thinking()`` it replaces the placeholder."""
        kwargs: dict[str, Any] = {**rendered.kwargs(), "ephemeral": private}
        if view is not None:
            kwargs["view"] = view
        if files:
            kwargs["files"] = list(files)
        if self.interaction.response.is_done():
            await self.interaction.followup.send(**kwargs)
        else:
            await self.interaction.response.send_message(**kwargs)
        self._public_placeholder = False

    async def private(self, text: str) -> None:
        """A short message only the user sees, whether or not the interaction was acknowledged."""
        text = clip(text, MAX_CONTENT)
        if not self.interaction.response.is_done():
            await self.interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        if self._public_placeholder:  # a public "thinking…" would make the note public: remove it first
            self._public_placeholder = False
            try:
                await self.interaction.edit_original_response(content="…")
                await self.interaction.delete_original_response()
            except discord.HTTPException:
                log.warning("could not remove the public placeholder", exc_info=True)
        await self.interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def failed(self, error: BaseException, what: str) -> None:
        """Log the traceback and tell the user briefly: never a silent "This interaction failed"."""
        user = getattr(self.interaction.user, "id", "?")
        log.error("%s failed for user %s:\n%s", what, user, "".join(traceback.format_exception(error)))
        try:
            await self.private(ERROR_TEXT)
        except discord.HTTPException:
            log.exception("could not tell the user about the error")
