"""/follow alerts end to end in SimCord: a refresh adds stories, the outbox posts them once (even
across a kill between send and record), the hourly limit, a lost permission, what a new follow would
have posted from the index; and /timeline."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import discord
import pytest

from bot.answering.answerer import Answerer
from bot.discordbot.alerts import DiscordPoster
from bot.discordbot.client import ChipBot
from bot.service.following.types import Post
from bot.service.refresh import IndexUpdater, Refresher
from bot.service.settings import Settings
from bot.service.wiring import make_follows
from tests.bot.discord_world import NEW_ARTICLE, build_index, make_services, running, write_jsonl

UNRELATED = {
    "id": "t-rapidus",
    "url": "https://other.example/rapidus-funding",
    "source": "other.example",
    "published": "2025-02-02",
    "title": "Japan adds funding for Rapidus in Hokkaido",
    "text": "Japan approved more money for Rapidus, which plans 2nm production in Hokkaido from 2027. "
    "The government said the chipmaker would also get help with power and water for its plant.",
}


def tsmc(n: int) -> dict[str, str]:
    return {
        **NEW_ARTICLE,
        "id": f"t-tsmc-{n}",
        "url": f"https://fresh{n}.example/tsmc-arizona-{n}",
        "source": f"fresh{n}.example",
        "title": f"TSMC Arizona fab update number {n}: production and yields",
        "text": " ".join(
            [
                f"TSMC said its Arizona fab production {DETAILS[n][0]}.",
                f"The Arizona plant {DETAILS[n][1]}, TSMC told reporters in Phoenix.",
                f"Analysts said the fab's production {DETAILS[n][2]}.",
            ]
        ),
    }


DETAILS = [
    ("doubled in March after a second line opened", "hired 500 more engineers", "would help Apple"),
    ("slowed in April because of a power outage", "lost three days of output", "was still ahead of plan"),
    ("reached 4nm yields equal to Taiwan's in May", "shipped its first wafers to Nvidia", "surprised rivals"),
    ("will add 3nm chips by 2027", "is getting a second CHIPS Act grant", "depends on US subsidies"),
    ("faced a union dispute in June", "settled with workers after talks", "resumed at full speed"),
]


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


def world_services(data_dir: Path, index, new_file: Path, **settings: object):
    """The services `chipbot run` builds for follows, over the test index, with a refresher that
    ingests ``new_file``."""
    config = Settings.from_env(data_dir=data_dir, env={"CHIPBOT_FOLLOW_POLL_SECONDS": "3600"})
    for name, value in settings.items():
        setattr(config, name, value)
    answerer = Answerer(index)
    updater = IndexUpdater(data_dir, index.embedder)
    # check_s=0: SimCord settles only while no timer is due, and the watcher's swap runs in an executor
    # it waits for; the watcher is tested apart (tests/bot/service/test_swap.py, test_live_swap.py).
    refresher = Refresher(lambda s, f: updater([str(new_file)], []), index, on_swap=[answerer.refresh], check_s=0)
    follows, timelines = make_follows(config, index, answerer, swap=refresher.swapper.swap)
    refresher.on_swap.append(follows.wake)  # as make_services wires them
    return make_services(data_dir, index, answerer=answerer, follows=follows, timelines=timelines, refresher=refresher)


async def until(condition, what: str, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def alerts(channel) -> list[discord.Message]:
    return [m for m in channel.history() if m.embeds and "ref " in (m.embeds[0].footer.text or "")]


async def start_following(w, services, channel, **options):
    """A channel manager follows a topic once the loop has recorded what the index already holds."""
    await until(lambda: services.follows.store.state("generation") is not None, "the first check")
    managers = w.guild.create_role("Managers", permissions=discord.Permissions(manage_channels=True))
    carol = w.guild.add_member(w.env.create_user("carol"), roles=[managers])
    done = await carol.slash(w.channel, "follow", channel=channel, **options)
    assert done.ephemeral and "Stories already in the index are not posted" in done.response.content
    return carol


async def test_a_refresh_with_one_matching_and_one_unrelated_article_posts_once_without_pinging(
    data_dir: Path, index, tmp_path: Path
) -> None:
    new = write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE, UNRELATED])
    services = world_services(data_dir, index, new)
    async with running(services) as w:
        alerts_channel = w.guild.create_text_channel("alerts")
        follow_id = next(c.id for c in await w.bot.tree.fetch_commands() if c.name == "follow")
        w.guild.set_command_permissions(follow_id, {w.bob: True})  # granted, yet bob cannot manage channels
        refused = await w.bob.slash(w.channel, "follow", topic="TSMC Arizona")
        assert refused.ephemeral and "manage the channel" in refused.response.content
        assert [type(e).__name__ for e in w.env.errors] == ["NotChannelManager"]
        await start_following(w, services, alerts_channel, topic="TSMC Arizona fab production")
        result = await services.refresher.refresh_now()
        assert result.swapped and result.outcome.added == 2
        await until(lambda: services.follows.store.sent_posts(), "the alert")
        await asyncio.sleep(0.3)  # and nothing else follows
        (posted,) = alerts(alerts_channel)
        assert alerts(w.channel) == []
        embed = posted.embeds[0]
        assert embed.title.startswith("TSMC starts volume production") and embed.url == NEW_ARTICLE["url"]
        assert "“TSMC began volume production of 4nm chips at its first Arizona fab.”" in embed.description
        assert "fresh.example, 2025-02-01" in embed.description
        assert posted.content == "" and not posted.mentions and not posted.role_mentions
        sent = [
            r.json
            for r in w.env.http_requests
            if r.method == "POST" and r.path.endswith(f"{alerts_channel.id}/messages")
        ]
        assert len(sent) == 1 and sent[0]["allowed_mentions"] == {"parse": []}
        listing = await w.alice.slash(w.channel, "following", channel=alerts_channel)
        assert "“TSMC Arizona fab production”: each story" in listing.response.content


class Killed(BaseException):
    """The process dies here: nothing after it runs."""


async def test_killed_between_send_and_record_then_restarted_still_one_post(
    data_dir: Path, index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE])
    services = world_services(data_dir, index, new)
    real_send = DiscordPoster.send
    sends: list[int] = []

    async def send_then_die(self, post: Post) -> int:
        sends.append(await real_send(self, post))
        raise Killed()  # the message is in the channel; the outbox row still says "sending"

    async with running(services, check_errors=False) as w:
        alerts_channel = w.guild.create_text_channel("alerts")
        await start_following(w, services, alerts_channel, topic="TSMC Arizona fab production")
        monkeypatch.setattr(DiscordPoster, "send", send_then_die)
        await services.refresher.refresh_now()
        await until(lambda: sends, "the send")
        await asyncio.sleep(0.2)
        assert len(alerts(alerts_channel)) == 1 and services.follows.store.sent_posts() == []
        monkeypatch.setattr(DiscordPoster, "send", real_send)

        # a new process: new services over the same data dir, a new bot on the same Discord
        restarted = world_services(data_dir, index, new)
        await w.env.restart_bot(ChipBot(restarted))
        await until(lambda: restarted.follows.store.sent_posts(), "the recovery pass")
        await asyncio.sleep(0.3)
        assert len(alerts(alerts_channel)) == 1
        assert [kind for _, kind, _ in restarted.follows.store.sent_posts()] == ["story"]
        assert restarted.follows.store.sent_posts()[0][2] == sends[0]  # recorded as the message already sent
        restarted.feedback.close()


async def test_past_the_hourly_limit_one_summary_post(data_dir: Path, index, tmp_path: Path) -> None:
    new = write_jsonl(tmp_path / "new.jsonl", [tsmc(n) for n in range(5)])
    services = world_services(data_dir, index, new, follow_posts_per_hour=2)
    async with running(services) as w:
        alerts_channel = w.guild.create_text_channel("alerts")
        await start_following(w, services, alerts_channel, topic="TSMC Arizona fab production")
        await services.refresher.refresh_now()
        await until(lambda: len(services.follows.store.sent_posts()) >= 3, "two stories and a summary")
        await asyncio.sleep(0.3)
        posted = sorted(alerts(alerts_channel), key=lambda m: m.id)
        assert len(posted) == 3
        assert all(p.embeds[0].footer.text.startswith("Following") for p in posted[:2])
        summary = posted[2].embeds[0]
        listed = summary.description.count("• [")
        assert listed >= 1 and summary.title.startswith(f"{listed} more new stories on TSMC Arizona fab production")
        assert "hourly limit" in summary.footer.text


async def test_a_lost_permission_pauses_the_follow_with_one_notice(data_dir: Path, index, tmp_path: Path) -> None:
    new = write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE, tsmc(1)])
    services = world_services(data_dir, index, new)
    async with running(services) as w:
        alerts_channel = w.guild.create_text_channel("alerts")
        carol = await start_following(w, services, alerts_channel, topic="TSMC Arizona fab production")
        channel = w.bot.get_channel(alerts_channel.id)
        await channel.set_permissions(channel.guild.me, send_messages=False)  # a server admin takes it away
        await services.refresher.refresh_now()
        await until(lambda: services.follows.store.sent_posts(), "the notice")
        await asyncio.sleep(0.3)
        assert alerts(alerts_channel) == []
        notices = [m for m in carol.user.dm_channel.history() if m.embeds]
        assert len(notices) == 1 and "is paused" in notices[0].embeds[0].description
        assert services.follows.store.follows(active=True) == []
        listing = await carol.slash(w.channel, "following", channel=alerts_channel)
        assert "**paused**" in listing.response.content


async def test_timeline_answers_with_a_png_and_a_summary(data_dir: Path, index, tmp_path: Path) -> None:
    services = world_services(data_dir, index, write_jsonl(tmp_path / "none.jsonl", []))
    async with running(services) as w:
        result = await w.alice.slash(w.channel, "timeline", topic="Nvidia H20 chip for China")
        message = result.response
        (attachment,) = message.attachments
        assert attachment.filename == "timeline.png"
        data = await attachment.read()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        from PIL import Image

        assert Image.open(io.BytesIO(data)).size == (1200, 600)
        embed = message.embeds[0]
        assert embed.image.url.endswith("timeline.png")
        assert "on “Nvidia H20 chip for China”" in embed.description and "First: 2024-05-10" in embed.description
        bad = await w.alice.slash(w.channel, "timeline", topic="Nvidia", since="last tuesday")
        assert bad.ephemeral and "couldn't read `since`" in bad.response.content


async def test_a_new_follow_says_what_it_would_have_posted_from_the_index(
    data_dir: Path, index, tmp_path: Path
) -> None:
    services = world_services(data_dir, index, write_jsonl(tmp_path / "none.jsonl", []))
    async with running(services) as w:
        await until(lambda: services.follows.store.state("generation") is not None, "the first check")
        managers = w.guild.create_role("Managers", permissions=discord.Permissions(manage_channels=True))
        carol = w.guild.add_member(w.env.create_user("carol"), roles=[managers])
        done = await carol.slash(w.channel, "follow", topic="Nvidia H20 chip for China")
        assert done.ephemeral and done.response.content.endswith(
            "It would have posted 1 story already there: "
            "“Nvidia readies H20 chip for China after US export rules” (wire.example, 2024-05-10)."
        )
        other = await carol.slash(w.channel, "follow", topic="Nvidia H20 chip for China", source="nowhere.example")
        assert other.ephemeral and "None of them would have been (from nowhere.example)" in other.response.content
        assert "/timeline" in other.response.content
        assert not w.channel.history()  # the preview is told to the follower alone, nothing is posted


async def test_latest_on_a_topic_lists_what_a_follow_of_it_would_post(data_dir: Path, index, tmp_path: Path) -> None:
    services = world_services(data_dir, index, write_jsonl(tmp_path / "none.jsonl", []))
    async with running(services) as w:
        embed = (await w.alice.slash(w.channel, "latest", topic="Nvidia H20 chip for China")).response.embeds[0]
        listed = services.timelines.latest(10, "Nvidia H20 chip for China")
        assert [a.id for a in listed] == ["t-nvidia"] and "wire.example/nvidia-h20" in embed.description
        nothing = (await w.alice.slash(w.channel, "latest", topic="football transfers")).response.embeds[0]
        assert nothing.description == "I have no stories about “football transfers”."
