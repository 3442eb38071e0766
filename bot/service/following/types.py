"""Records that follows, matching and delivery pass around, and the errors a poster raises."""

from __future__ import annotations

from dataclasses import dataclass

EACH, DIGEST = "each", "digest"
MODES = (EACH, DIGEST)
STORY, DIGEST_POST, SUMMARY, NOTICE = "story", "digest", "summary", "notice"


class FollowError(ValueError):
    """A follow request that cannot be stored as given; the message says what to change."""


class DeliveryError(Exception):
    """A post could not be made; subclasses say what the delivery should do about it."""


class MissingAccess(DeliveryError):
    """chipbot may not post in the channel (no View Channel / Send Messages / Embed Links)."""


class TargetGone(DeliveryError):
    """The channel (or user) no longer exists."""


@dataclass(frozen=True)
class Follow:
    id: int
    guild_id: int | None
    channel_id: int
    topic: str
    source: str | None  # only stories from this outlet
    mode: str  # each | digest
    role_id: int | None  # the one role a post may mention
    created_by: int
    paused: str | None = None  # why delivery is paused, None when active


@dataclass(frozen=True)
class StoryCard:
    """What an alert shows of one story, fixed when the story is matched (a retry posts the same)."""

    article_id: str
    title: str
    url: str
    source: str
    published: str | None  # ISO date, None when unknown
    lead: str  # the article's lead sentence, verbatim
    also: tuple[str, ...] = ()  # outlets of syndicated copies folded into it
    score: float = 0.0
    digest: bool = False  # our own digest of the outlet's report (Article.is_digest): never quoted as theirs


@dataclass(frozen=True)
class Post:
    """One message the outbox will send. ``marker`` is unique and shown in the message, so a
    restarted chipbot can find out whether the message already reached the channel."""

    outbox_id: int
    kind: str  # story | digest | summary | notice
    channel_id: int | None  # the channel, or None for a direct message to ``user_id``
    user_id: int | None
    topic: str
    stories: tuple[StoryCard, ...] = ()
    role_id: int | None = None
    text: str = ""  # a notice's text; a summary's topics
    week: str | None = None  # a digest's ISO week, e.g. 2025-W07
    matched: int = 0  # a digest's count of matched stories (it shows the top few)

    @property
    def marker(self) -> str:
        return f"ref {self.outbox_id}"

    @property
    def nonce(self) -> str:
        return f"chipbot-{self.outbox_id}"
