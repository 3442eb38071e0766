"""Follow-ups on Discord: the answer says how the follow-up was understood (as the terminal does),
and "More sources" searches that understood question, not the raw follow-up."""

from __future__ import annotations

from pathlib import Path

from tests.bot.discord_world import build_index, make_services, running

FIRST = "What did the SMIC teardown show?"
RESOLVED = "What did the SMIC teardown show? When was that?"


class RecordingSearch:
    """The real index, remembering what was searched."""

    def __init__(self, index) -> None:
        self.index = index
        self.queries: list[str] = []

    def search(self, query: str, **kwargs):
        self.queries.append(query)
        return self.index.search(query, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.index, name)


async def test_a_follow_up_shows_what_it_was_understood_as_and_more_sources_searches_that(data_dir: Path) -> None:
    index = build_index(data_dir)
    search = RecordingSearch(index)
    async with running(make_services(data_dir, index, search=search)) as w:
        await w.alice.send_dm(FIRST)
        first = w.alice.user.dm_channel.last_message
        assert "Understood as" not in (first.embeds[0].description or "")

        await w.alice.send_dm("when was that?")
        follow_up = w.alice.user.dm_channel.last_message
        description = follow_up.embeds[0].description or ""
        assert description.startswith(f"*Understood as:* {RESOLVED}\n\n"), description
        assert follow_up.embeds[0].title == "when was that?"

        more = await w.alice.user.click(follow_up, label="More sources")
        assert search.queries[-1] == RESOLVED
        assert more.response.embeds[0].title == f"More sources: {RESOLVED}"
        stored = w.services.feedback.get(2)
        assert stored is not None and stored.question == "when was that?" and stored.searched == RESOLVED
        assert w.services.feedback.get(1).searched == FIRST  # type: ignore[union-attr]


async def test_discord_markup_is_taken_out_of_a_question_before_it_is_answered(data_dir: Path) -> None:
    index = build_index(data_dir)
    async with running(make_services(data_dir, index)) as w:
        await w.alice.send_dm("**What** did the _SMIC teardown_ show? <:chip:123456> <@987654>")
        answer = w.alice.user.dm_channel.last_message
        assert answer.embeds[0].title == FIRST
        stored = w.services.feedback.get(1)
        assert stored is not None and stored.question == FIRST and stored.searched == FIRST
