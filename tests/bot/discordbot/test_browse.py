"""/search with its pager, /latest, /sources, /help and /about, through SimCord."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.discord_world import build_index, make_services, running


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


def callbacks(env) -> list[int]:
    return [r.json["type"] for r in env.http_requests if r.path.endswith("/callback")]


async def test_search_pages_with_buttons_only_for_the_searcher(data_dir: Path, index) -> None:
    services = make_services(data_dir, index)
    services.limits.search_page_size = 2
    async with running(services) as w:
        result = await w.alice.slash(w.channel, "search", query="export licences China")
        message = result.response
        assert callbacks(w.env) == [5]
        first = message.embeds[0]
        assert first.footer.text.startswith("Page 1 of 2") and [f.name[:2] for f in first.fields] == ["1.", "2."]

        turned = await w.alice.click(message, label="Next ▶")
        assert turned.response.embeds[0].footer.text.startswith("Page 2 of 2")
        assert turned.response.embeds[0].fields[0].name.startswith("3.")

        stranger = await w.bob.click(message, label="◀ Previous")
        assert stranger.ephemeral and "Only the person who searched" in stranger.response.content
        assert w.channel.last_message.embeds[0].footer.text.startswith("Page 2 of 2")


async def test_latest_lists_newest_first_with_dates_and_links(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        text = (await w.alice.slash(w.channel, "latest")).response.embeds[0].description
        lines = text.splitlines()
        assert "wire.example/nvidia-h20" in lines[0] and "2024-05-10" in lines[0]
        assert "2023-09-05" in lines[-1]
        assert (
            "smic"
            in (await w.alice.slash(w.channel, "latest", topic="SMIC Huawei teardown")).response.embeds[0].description
        )


async def test_sources_help_and_about(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        sources = (await w.alice.slash(w.channel, "sources")).response.embeds[0]
        assert "4 articles from 4 outlets; newest 2024-05-10" in sources.description
        assert "news.example: 1 article, newest 2024-01-02" in sources.description

        help_text = (await w.alice.slash(w.channel, "help")).response.embeds[0].description
        assert "**/ask**: Ask about chip-trade news" in help_text and "`private`: Only you see the answer" in help_text
        assert "Ask chipbot" in help_text and "/refresh" not in help_text
        about = await w.alice.slash(w.channel, "about")
        assert about.ephemeral and "verbatim" in about.response.embeds[0].description


async def test_commands_installable_to_servers_and_users_and_usable_in_dms(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        commands = {c.name: c for c in await w.bot.tree.fetch_commands()}
        assert {
            "ask",
            "search",
            "latest",
            "sources",
            "help",
            "about",
            "ingest",
            "refresh",
            "stats",
            "Ask chipbot",
        } <= set(commands)
        synced = next(r.json for r in w.env.http_requests if r.method == "PUT" and r.path.endswith("/commands"))
        for payload in synced:  # what `chipbot sync` registers with Discord
            assert payload["integration_types"] == [0, 1]  # guild install and user install
            assert payload["contexts"] == [0, 1, 2]  # servers, DMs with the bot, group DMs
        assert commands["refresh"].default_member_permissions.administrator
        assert not commands["ask"].default_member_permissions
        result = await w.alice.user.slash("ask", question="What did the SMIC teardown show?")
        assert "smic-7nm" in result.response.embeds[0].description


async def test_latest_on_a_topic_the_index_does_not_cover_says_so(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        embed = (await w.alice.slash(w.channel, "latest", topic="@everyone football **transfers**")).response.embeds[0]
        assert embed.description == "I have no stories about “@\u200beveryone football \\*\\*transfers\\*\\*”."
        assert embed.title == "Latest on @\u200beveryone football \\*\\*transfers\\*\\*"
