"""The renderer stays inside every Discord limit and never lets article text ping or format."""

from __future__ import annotations

import re
from datetime import date

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.types import Answer, Citation
from bot.discordbot.render import (
    MAX_DESCRIPTION,
    MAX_FIELD_NAME,
    MAX_FIELD_VALUE,
    MAX_FIELDS,
    MAX_TITLE,
    MAX_TOTAL,
    NO_MENTIONS,
    clip,
    escape,
    render_answer,
    render_articles,
    render_search_page,
)
from corpus.types import DIGEST, Article, Chunk
from index.types import Hit
from tests.bot.discordbot.hostile import MARKUP
from tests.bot.fakes import make_article

hostile_text = st.lists(
    st.one_of(st.sampled_from(MARKUP), st.text(min_size=0, max_size=40)), min_size=0, max_size=25
).map("".join)
urls = st.one_of(
    st.just("https://example.com/a"),
    st.text(min_size=0, max_size=80).map(lambda s: "https://example.com/" + s),
)


@st.composite
def articles(draw: st.DrawFn, index: int = 0) -> Article:
    text = draw(hostile_text) or "x"
    return Article(
        id=f"a{index}-{draw(st.integers(0, 10**6))}",
        url=draw(urls),
        canonical_url=draw(urls),
        title=draw(st.one_of(st.none(), hostile_text)),
        source=draw(st.one_of(st.just("reuters.com"), hostile_text)),
        published=draw(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 1, 1)))),
        text=text,
        origin=draw(st.sampled_from(["jsonl", "url", DIGEST])),
    )


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    n = draw(st.integers(0, 12))
    citations = []
    for i in range(n):
        article = draw(articles(i))
        start = draw(st.integers(0, len(article.text) - 1))
        end = draw(st.integers(start + 1, len(article.text)))
        citations.append(Citation(i + 1, article, article.text[start:end], start, end))
    return Answer(
        question=draw(hostile_text),
        text=draw(hostile_text),
        citations=citations,
        abstained=draw(st.booleans()),
        newer=draw(st.lists(articles(99), max_size=8)),
        related_topics=draw(st.lists(hostile_text, max_size=12)),
        generated=draw(st.booleans()),
    )


def unescaped(text: str, specials: str = "*_~`|<>[]#") -> list[str]:
    """Special characters in ``text`` that are not backslash-escaped."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in specials:
            found.append(text[i])
        i += 1
    return found


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("@\u200b", "@")


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= MAX_TOTAL
    assert len(embed.title or "") <= MAX_TITLE
    assert len(embed.description or "") <= MAX_DESCRIPTION
    assert len(embed.fields) <= MAX_FIELDS
    for f in embed.fields:
        assert 0 < len(f.name) <= MAX_FIELD_NAME and 0 < len(f.value) <= MAX_FIELD_VALUE


def all_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    parts += [f.name for f in embed.fields] + [f.value for f in embed.fields]
    return "\n".join(parts)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(answers())
def test_answer_embed_fits_discord_limits(answer: Answer) -> None:
    rendered = render_answer(answer, max_quotes=25)
    assert 1 <= len(rendered.embeds) <= 10
    assert rendered.content is None or len(rendered.content) <= 2000
    for embed in rendered.embeds:
        assert_within_limits(embed)
    assert rendered.kwargs()["allowed_mentions"] is NO_MENTIONS


@SETTINGS
@given(answers())
def test_article_text_never_pings_or_formats(answer: Answer) -> None:
    embed = render_answer(answer, max_quotes=25).embeds[0]
    text = all_text(embed)
    assert not re.search(r"@(everyone|here)", text)
    assert "<" not in unescaped(text)  # no live user, role, channel or timestamp mention
    # the only live markdown is the renderer's own: bold labels and [title](url) links
    for f in embed.fields:
        if f.name == "Newer coverage":
            continue
        quote = f.value.split("\n")[0]
        assert unescaped(quote) == [], quote
    title = embed.title or ""
    assert unescaped(title) == []


@SETTINGS
@given(articles())
def test_quotes_survive_escaping_verbatim(article: Article) -> None:
    citation = Citation(1, article, article.text, 0, len(article.text))
    answer = Answer(question="q", text="See [1].", citations=[citation], abstained=False)
    value = render_answer(answer, max_quotes=1).embeds[0].fields[0].value
    first = value.split("\n")[0]
    if article.is_digest:
        assert first.startswith("Our digest: ") and not first.startswith("Our digest: “")
        shown = unescape(first.removeprefix("Our digest: "))
    else:
        shown = unescape(first.removeprefix("“").removesuffix("”"))
    flat = " ".join(article.text.split())
    if shown.endswith("…"):
        assert flat.startswith(shown[:-1].rstrip())
    else:
        assert shown == flat


@SETTINGS
@given(st.lists(articles(), max_size=40), st.integers(0, 10))
def test_search_pages_and_article_lists_fit(found: list[Article], page: int) -> None:
    hits = [Hit(a, Chunk("c", a.id, 0, 0, len(a.text), a.text), 1.0) for a in found]
    for rendered in (render_search_page("q" * 300, hits, page, 5), render_articles("@everyone latest", found)):
        for embed in rendered.embeds:
            assert_within_limits(embed)
            assert not re.search(r"@(everyone|here)", all_text(embed))


def test_links_keep_their_target_and_escape_their_title() -> None:
    article = Article(
        id="a",
        url="https://ex.com/a b)c",
        canonical_url="https://ex.com/a b)c",
        title="Chips [are] *big*",
        source="ex.com",
        published=date(2025, 1, 2),
        text="Chips are big.",
    )
    answer = Answer("q", "Chips are big [1].", [Citation(1, article, "Chips are big.", 0, 14)], abstained=False)
    description = render_answer(answer).embeds[0].description or ""
    assert "[Chips \\[are\\] \\*big\\*](https://ex.com/a%20b%29c)" in description
    assert "ex.com, 2025-01-02" in description


def test_clip_never_leaves_a_dangling_escape() -> None:
    assert clip(escape("ab*cd"), 4) == "ab…"
    assert clip("short", 10) == "short"
    assert len(clip("x" * 5000, 4096)) == 4096


def test_our_digests_are_labelled_as_such_and_never_put_in_quotation_marks() -> None:
    digest = Article(
        id="sample-01",
        url="https://news.example/a",
        canonical_url="https://news.example/a",
        title="Chips rule",
        source="news.example",
        published=date(2025, 1, 2),
        text="Our summary of the rule.",
        origin=DIGEST,
    )
    answer = Answer(
        "q",
        "Our digest of the news.example report: Our summary of the rule. [1] (2025-01-02)",
        [Citation(1, digest, digest.text, 0, len(digest.text))],
        abstained=False,
        generated=False,
    )
    embed = render_answer(answer, max_quotes=1).embeds[0]
    assert "our digest of the news.example report, 2025-01-02" in (embed.description or "")
    assert embed.fields[0].value.startswith("Our digest: Our summary of the rule.")
    assert "“" not in all_text(embed) and "digest" in (embed.footer.text or "")
    hit = Hit(digest, Chunk("c", digest.id, 0, 0, len(digest.text), digest.text), 1.0)
    field = render_search_page("rule", [hit], 0, 5).embeds[0].fields[0]
    assert "our digest of the news.example report" in field.name and "“" not in field.value


def test_follow_alerts_label_our_digests_and_never_quote_them() -> None:
    from bot.discordbot.alerts import render_post
    from bot.service.following.matching import story_card
    from bot.service.following.types import DIGEST_POST, STORY, Post

    text = "Our own summary says the Dutch rule now covers more lithography tools from next month."
    digest = Article("d", "https://news.example/d", None, "Chips rule", "news.example", date(2025, 1, 2), text)
    digest.origin = DIGEST
    theirs = Article("v", "https://wire.example/v", None, "Chips rule, too", "wire.example", date(2025, 1, 3), text)
    card, verbatim = story_card(digest, 0.9), story_card(theirs, 0.8)
    assert card.digest and not verbatim.digest and card.lead == text

    story = render_post(Post(1, STORY, 5, None, "chip rules", stories=(card,))).embeds[0].description or ""
    assert story.startswith(f"Our digest: {card.lead}") and "“" not in story
    assert "our digest of the news.example report, 2025-01-02" in story
    quoted = render_post(Post(2, STORY, 5, None, "chip rules", stories=(verbatim,))).embeds[0].description or ""
    assert quoted.startswith(f"“{verbatim.lead}”") and "digest" not in quoted
    week = render_post(Post(3, DIGEST_POST, 5, None, "chip rules", stories=(card, verbatim), week="2025-W01"))
    lines = (week.embeds[0].description or "").splitlines()
    assert "· our digest of the news.example report, 2025-01-02" in lines[0]
    assert "· wire.example, 2025-01-03" in lines[1]


def test_an_answer_says_whom_a_described_name_was_read_as() -> None:
    article = make_article("a", "ASML lost two licences.", title="ASML licences", published=date(2025, 1, 2))
    citation = Citation(1, article, article.text, 0, len(article.text))
    answer = Answer("What did the Dutch toolmaker lose?", "“ASML lost two licences.” [1]", [citation], False)
    assert "Read as naming" not in (render_answer(answer).embeds[0].description or "")
    read = Answer(answer.question, answer.text, [citation], False, read_as=("ASML",))
    assert (render_answer(read).embeds[0].description or "").startswith("*Read as naming:* ASML\n\n“ASML lost")


def test_an_answer_says_which_name_a_misspelt_word_was_read_as() -> None:
    article = make_article("a", "ASML lost two licences.", title="ASML licences", published=date(2025, 1, 2))
    citation = Citation(1, article, article.text, 0, len(article.text))
    answer = Answer(
        "What did AMSL lose?", "“ASML lost two licences.” [1]", [citation], False, respelt=(("AMSL", "ASML"),)
    )
    assert (render_answer(answer).embeds[0].description or "").startswith('*Read* "AMSL" as ASML\n\n“ASML lost')
