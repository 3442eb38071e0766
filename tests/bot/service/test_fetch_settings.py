"""The fetch policy from settings and the feeds file: private addresses only when the operator says so,
and robots.txt skipped only for the pages of feeds marked as the operator's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service.settings import Settings
from bot.service.wiring import make_fetcher
from corpus.feeds import FeedsFileError, read_feeds_file

FEEDS = """
[[feed]]
name = "Ours"
url = "https://news.ours.example/feed.xml"
ignore_robots_txt = true

[[feed]]
name = "Theirs"
url = "https://theirs.example/rss"
"""


@pytest.mark.parametrize(("value", "allowed"), [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("", False)])
def test_private_fetching_is_an_explicit_yes_no_setting(value: str, allowed: bool, tmp_path: Path) -> None:
    settings = Settings.from_env(data_dir=tmp_path, env={"CHIPBOT_ALLOW_PRIVATE_FETCH": value})
    assert settings.allow_private_fetch is allowed
    assert Settings.from_env(data_dir=tmp_path, env={}).allow_private_fetch is False


def test_a_bad_value_names_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"CHIPBOT_ALLOW_PRIVATE_FETCH='maybe' is not valid: use 1 or 0"):
        Settings.from_env(data_dir=tmp_path, env={"CHIPBOT_ALLOW_PRIVATE_FETCH": "maybe"})


def test_the_fetcher_follows_the_settings_and_the_feeds_file(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS, encoding="utf-8")
    fetcher = make_fetcher(Settings(data_dir=tmp_path, feeds_file=path, allow_private_fetch=True))
    assert fetcher.robots_exempt_feeds == {"https://news.ours.example/feed.xml"}
    assert fetcher._guard.allow_private is True
    assert make_fetcher(Settings(data_dir=tmp_path, feeds_file=tmp_path / "none.toml"))._guard.allow_private is False


def test_the_feeds_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS, encoding="utf-8")
    ours, theirs = read_feeds_file(path)
    assert (ours.name, ours.ignore_robots_txt, theirs.ignore_robots_txt) == ("Ours", True, False)
    path.write_text('[[feed]]\nurl = "https://x.example/rss"\nignore_robots_txt = "yes"\n', encoding="utf-8")
    with pytest.raises(FeedsFileError, match="must be true or false"):
        read_feeds_file(path)
    path.write_text("[[feed]\n", encoding="utf-8")
    with pytest.raises(FeedsFileError, match="cannot read the feeds file"):
        read_feeds_file(path)
    bundled = Path(__file__).resolve().parents[3] / "corpus" / "feeds.toml"
    assert all(not feed.ignore_robots_txt for feed in read_feeds_file(bundled))  # we own none of these
