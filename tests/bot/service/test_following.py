"""Follows without Discord: the store, matching over a floor, and the outbox's delivery rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from bot.service.following.delivery import Delivery
from bot.service.following.matching import FollowMatcher, already_covered, lead_sentence, story_card
from bot.service.following.service import FollowService, iso_week
from bot.service.following.store import FollowStore
from bot.service.following.types import DIGEST, DeliveryError, FollowError, MissingAccess, Post, TargetGone
from corpus.migrate import schema_version
from corpus.types import Alternate, Article
from tests.bot.fakes import make_article


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Killed(BaseException):
    """The process dies right here (nothing after it runs, nothing is cleaned up)."""


class FakePoster:
    """A channel log: posts land in ``channels``; faults are injected per channel."""

    def __init__(self) -> None:
        self.channels: dict[int | None, list[Post]] = {}
        self.refuse: dict[int, Exception] = {}
        self.die_after_send = False

    async def send(self, post: Post) -> int:
        if post.channel_id in self.refuse:
            raise self.refuse[post.channel_id]
        posted = self.channels.setdefault(post.channel_id if post.channel_id else None, [])
        posted.append(post)
        if self.die_after_send:
            raise Killed()
        return 1000 + len(posted)

    async def find(self, post: Post, since: float) -> int | None:
        posted = self.channels.get(post.channel_id if post.channel_id else None, [])
        return next((1000 + i + 1 for i, p in enumerate(posted) if p.marker == post.marker), None)


class FixedRelevance:
    def __init__(self, scores: dict[tuple[str, str], float]) -> None:
        self.table = scores
        self.calls: list[str] = []
        self.prepared: list[list[str]] = []

    def prepare(self, topics: Sequence[str]) -> None:
        self.prepared.append(list(topics))

    def scores(self, topic: str, articles: Sequence[Article]) -> list[float]:
        self.calls.append(topic)
        return [self.table.get((topic, a.id), 0.0) for a in articles]


class Articles:
    def __init__(self, articles: list[Article]) -> None:
        self.list = articles
        self.generation = "gen-000001"

    def articles(self) -> list[Article]:
        return list(self.list)


def story(article_id: str, source: str = "news.example", **kw) -> Article:
    return make_article(
        article_id,
        f"{article_id} headline.\n\nThe first real sentence of {article_id} says what happened today. More.",
        title=f"{article_id} headline",
        source=source,
        **{"published": date(2025, 3, 1), **kw},
    )


@pytest.fixture
def store(data_dir: Path) -> FollowStore:
    return FollowStore.open(data_dir, clock=Clock())


def test_follows_are_stored_updated_and_removed(store: FollowStore) -> None:
    follow, created = store.add_follow(guild_id=1, channel_id=10, topic="  ASML   licences ", created_by=7)
    assert created and follow.topic == "ASML licences" and follow.mode == "each" and follow.source is None
    again, created = store.add_follow(guild_id=1, channel_id=10, topic="asml licences", created_by=8, mode=DIGEST)
    assert not created and again.id == follow.id and again.mode == DIGEST
    store.add_follow(guild_id=1, channel_id=11, topic="Rapidus", created_by=7, source="Nikkei.com", role_id=55)
    assert [(f.channel_id, f.source, f.role_id) for f in store.follows()] == [(10, None, None), (11, "nikkei.com", 55)]
    with pytest.raises(FollowError, match="mode must be one of each, digest"):
        store.add_follow(guild_id=1, channel_id=10, topic="x", created_by=7, mode="hourly")
    with pytest.raises(FollowError, match="Give a topic"):
        store.add_follow(guild_id=1, channel_id=10, topic="   ", created_by=7)
    assert store.remove_follow(10, "ASML LICENCES") == 1 and store.remove_follow(10, "ASML licences") == 0
    assert store.remove_channel(11) == 1 and store.follows() == []
    assert schema_version(store._db) == 3  # answers, follows, the resolved question


def test_lead_sentence_is_verbatim_and_skips_the_headline_and_short_lines() -> None:
    article = story("a1")
    assert lead_sentence(article) == "The first real sentence of a1 says what happened today."
    assert lead_sentence(article) in article.text
    copy = story("a2", alternates=[Alternate("https://b.example/x", "b.example"), Alternate("u", "news.example")])
    assert story_card(copy, 0.9).also == ("b.example",)


def test_matching_uses_the_floor_scores_each_topic_once_and_honours_the_outlet(store: FollowStore) -> None:
    a, b = story("a"), story("b", source="other.example", alternates=[Alternate("u", "wire.example")])
    relevance = FixedRelevance({("chips", "a"): 0.8, ("chips", "b"): 0.79, ("tariffs", "b"): 0.95})
    matcher = FollowMatcher(relevance, floor=0.8)
    f1, _ = store.add_follow(guild_id=1, channel_id=1, topic="chips", created_by=1)
    f2, _ = store.add_follow(guild_id=1, channel_id=2, topic="Chips", created_by=1)
    f3, _ = store.add_follow(guild_id=1, channel_id=3, topic="tariffs", created_by=1, source="wire.example")
    f4, _ = store.add_follow(guild_id=1, channel_id=4, topic="tariffs", created_by=1, source="news.example")
    matches = matcher.match([f1, f2, f3, f4], [a, b])
    assert [(f.channel_id, c.article_id) for f, c in matches] == [(1, "a"), (2, "a"), (3, "b")]
    assert relevance.calls == ["chips", "tariffs"]
    assert relevance.prepared == [["chips", "Chips", "tariffs", "tariffs"]]  # the round's topics, at once


def test_already_covered_lists_the_outlets_stories_newest_first_undated_last() -> None:
    old, new, undated = story("old"), story("new", published=date(2025, 6, 1)), story("undated", published=None)
    wired = story("wired", source="other.example", alternates=[Alternate("u", "wire.example")])
    found = [(old, 0.9), (undated, 0.8), (new, 0.7), (wired, 0.95)]
    assert [a.id for a in already_covered(found, None)] == ["new", "wired", "old", "undated"]
    assert [a.id for a in already_covered(found, "wire.example")] == ["wired"]
    assert already_covered(found, "nowhere.example") == []


def make_service(store: FollowStore, source: Articles, relevance: FixedRelevance, **kw) -> FollowService:
    return FollowService(
        store, source, FollowMatcher(relevance, 0.5), generation=lambda: source.generation, clock=store.clock, **kw
    )


def test_check_records_a_baseline_then_queues_only_new_matching_articles(store: FollowStore) -> None:
    source = Articles([story("old")])
    relevance = FixedRelevance({("chips", "old"): 0.9, ("chips", "new"): 0.9})
    service = make_service(store, source, relevance)
    store.add_follow(guild_id=1, channel_id=1, topic="chips", created_by=1)
    first = service.check()
    assert first is not None and first.baseline and first.queued == 0
    assert service.check() is None  # same generation: nothing to do
    source.list.append(story("new"))
    source.list.append(story("unrelated"))
    source.generation = "gen-000002"  # published by another process: only the generation tells
    second = service.check()
    assert second is not None and (second.new_articles, second.queued) == (2, 1)
    assert [p.stories[0].article_id for p, _ in store.unsent()] == ["new"]
    source.generation = "gen-000003"
    assert service.check().queued == 0  # nothing new: "new" is seen now


async def test_posts_go_once_and_a_kill_between_send_and_record_does_not_repeat(store: FollowStore) -> None:
    follow, _ = store.add_follow(guild_id=1, channel_id=5, topic="chips", created_by=1)
    store.record_generation("g1", ["a"], [(follow, story_card(story("a"), 0.9))], "2025-W01")
    poster = FakePoster()
    poster.die_after_send = True
    with pytest.raises(Killed):
        await Delivery(store, poster, posts_per_hour=5, clock=store.clock).deliver()
    assert len(poster.channels[5]) == 1 and store.sent_posts() == []  # sent, not recorded
    poster.die_after_send = False
    restarted = FollowStore(store.path, clock=store.clock)  # a new process on the same file
    report = await Delivery(restarted, poster, posts_per_hour=5, clock=store.clock).deliver()
    assert (report.recovered, report.sent) == (1, 0)
    assert len(poster.channels[5]) == 1 and [k for _, k, _ in restarted.sent_posts()] == ["story"]
    assert (await Delivery(restarted, poster, posts_per_hour=5).deliver()).sent == 0


async def test_an_unconfirmed_send_that_never_arrived_is_sent_once_on_the_next_pass(store: FollowStore) -> None:
    follow, _ = store.add_follow(guild_id=1, channel_id=5, topic="chips", created_by=1)
    store.record_generation("g1", ["a"], [(follow, story_card(story("a"), 0.9))], "2025-W01")
    poster = FakePoster()
    poster.refuse[5] = DeliveryError("503 Service Unavailable")
    await Delivery(store, poster, posts_per_hour=5).deliver()
    assert [s for _, s in store.unsent()] == ["sending"]
    del poster.refuse[5]
    report = await Delivery(store, poster, posts_per_hour=5).deliver()
    assert (report.sent, report.recovered, len(poster.channels[5])) == (1, 0, 1)


async def test_rate_limit_then_one_summary_then_the_next_hour(store: FollowStore) -> None:
    clock = store.clock
    follow, _ = store.add_follow(guild_id=1, channel_id=5, topic="chips", created_by=1)
    cards = [(follow, story_card(story(f"s{i}"), 0.9)) for i in range(6)]
    store.record_generation("g1", [f"s{i}" for i in range(6)], cards, "2025-W01")
    poster = FakePoster()
    delivery = Delivery(store, poster, posts_per_hour=2, clock=clock)
    report = await delivery.deliver()
    kinds = [p.kind for p in poster.channels[5]]
    assert kinds == ["story", "story", "summary"] and report.summarised == 4
    assert [c.article_id for c in poster.channels[5][2].stories] == ["s2", "s3", "s4", "s5"]
    more = [(follow, story_card(story(f"t{i}"), 0.9)) for i in range(3)]
    store.record_generation("g2", [f"t{i}" for i in range(3)], more, "2025-W01")
    await delivery.deliver()
    assert len(poster.channels[5]) == 3  # still in the hour: no more posts, no second summary
    clock.now += 3601
    await delivery.deliver()
    assert [p.kind for p in poster.channels[5][3:]] == ["story", "story", "summary"]


async def test_missing_permission_pauses_the_follow_and_tells_the_follower_once(store: FollowStore) -> None:
    follow, _ = store.add_follow(guild_id=1, channel_id=5, topic="chips", created_by=42)
    store.record_generation("g1", ["a", "b"], [(follow, story_card(story(x), 0.9)) for x in "ab"], "2025-W01")
    poster = FakePoster()
    poster.refuse[5] = MissingAccess("Missing Permissions")
    delivery = Delivery(store, poster, posts_per_hour=5)
    report = await delivery.deliver()
    assert report.paused == 1 and store.follows(active=True) == []
    (notice,) = poster.channels[None]  # told in the same pass
    assert notice.user_id == 42 and "paused" in notice.text and "<#5>" in notice.text and 5 not in poster.channels
    assert await delivery.deliver() == type(report)()  # nothing more: told once
    del poster.refuse[5]
    store.add_follow(guild_id=1, channel_id=5, topic="chips", created_by=42)  # /follow again resumes
    await delivery.deliver()
    assert [c.stories[0].article_id for c in poster.channels[5]] == ["a", "b"]


async def test_a_deleted_channel_removes_its_follows(store: FollowStore) -> None:
    follow, _ = store.add_follow(guild_id=1, channel_id=5, topic="chips", created_by=42)
    store.add_follow(guild_id=1, channel_id=5, topic="tariffs", created_by=42)
    store.record_generation("g1", ["a"], [(follow, story_card(story("a"), 0.9))], "2025-W01")
    poster = FakePoster()
    poster.refuse[5] = TargetGone("Unknown Channel")
    report = await Delivery(store, poster, posts_per_hour=5).deliver()
    assert report.removed == 2 and store.follows() == [] and store.unsent() == []


async def test_digest_follows_get_one_weekly_post_of_the_top_stories(store: FollowStore) -> None:
    follow, _ = store.add_follow(guild_id=1, channel_id=5, topic="chips", created_by=1, mode=DIGEST)
    cards = [(follow, story_card(story(f"s{i}"), 0.5 + i / 100)) for i in range(7)]
    store.record_generation("g1", [f"s{i}" for i in range(7)], cards, iso_week(store.clock()))
    assert store.unsent() == []  # nothing per story
    assert store.queue_digests(iso_week(store.clock()), 5) == 0  # the week is not over
    store.clock.now += 7 * 86400
    assert store.queue_digests(iso_week(store.clock()), 5) == 1
    assert store.queue_digests(iso_week(store.clock()), 5) == 0
    poster = FakePoster()
    await Delivery(store, poster, posts_per_hour=5).deliver()
    (digest,) = poster.channels[5]
    assert digest.kind == "digest" and digest.matched == 7
    assert [c.article_id for c in digest.stories] == ["s6", "s5", "s4", "s3", "s2"]
