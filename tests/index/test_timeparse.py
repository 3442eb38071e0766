from __future__ import annotations

from datetime import date

import pytest

from index.timeparse import parse_time, topic_of

TODAY = date(2026, 1, 21)  # a Wednesday


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("What happened this week on chip tariffs?", date(2026, 1, 19), TODAY),
        ("Any export news last month?", date(2025, 12, 1), date(2025, 12, 31)),
        ("Nvidia news in the past 10 days", date(2026, 1, 11), TODAY),
        ("What changed over the last two weeks?", date(2026, 1, 7), TODAY),
        ("What has BIS done since October 2025?", date(2025, 10, 1), None),
        ("What did ASML say yesterday?", date(2026, 1, 20), TODAY),
    ],
)
def test_recent_periods_become_hard_date_filters(question: str, since: date, until: date | None) -> None:
    intent = parse_time(question, TODAY)
    assert (intent.since, intent.until) == (since, until)
    assert intent.phrase


def test_latest_and_recent_boost_recency_without_filtering() -> None:
    for question in ("What are the latest H20 rules?", "Any recent news on Rapidus?", "newest ASML curbs"):
        intent = parse_time(question, TODAY)
        assert intent.prefer_recent and intent.since is None and intent.until is None


def test_named_periods_only_prefer_the_publication_window() -> None:
    intent = parse_time("How many entities were added in 2024?", TODAY)
    assert intent.since is None and intent.until is None
    assert intent.around[0] == date(2024, 1, 1) and intent.around[1] > date(2024, 12, 31)

    month = parse_time("What did BIS announce in March 2025 about Inspur?", TODAY)
    assert month.around[0] == date(2025, 3, 1)

    as_of = parse_time("As of January 2026, how many chips were approved?", TODAY)
    assert as_of.around[1] == date(2026, 1, 31) and as_of.around[0] < date(2026, 1, 1)

    dated = parse_time("What did the December 2, 2024 rule control?", TODAY)
    assert dated.around[0] == date(2024, 12, 1)


def test_bare_years_and_long_windows_do_not_filter() -> None:
    assert parse_time("In the 2022 case, when did Nvidia file?", TODAY).since is None
    assert parse_time("What was Nvidia's fiscal 2026 estimate?", TODAY).empty
    since_year = parse_time("How much funding has been received since 2021?", TODAY)
    assert since_year.since is None and since_year.around[0] == date(2021, 1, 1)
    last_year = parse_time("By how much did investment grow last year?", TODAY)
    assert last_year.since is None and last_year.around == (date(2025, 1, 1), date(2025, 12, 31))


def test_questions_without_time_words_have_no_intent() -> None:
    assert parse_time("Who chairs Rapidus?", TODAY).empty


def test_topic_drops_only_the_words_that_express_time() -> None:
    latest = "What's the latest news on Huawei Ascend?"
    assert topic_of(latest, parse_time(latest, TODAY)) == "What's the on Huawei Ascend?"
    window = "Huawei Ascend updates in the past 3 weeks"
    assert topic_of(window, parse_time(window, TODAY)) == "Huawei Ascend"
    event = "What did BIS announce in March 2025 about Inspur?"
    assert topic_of(event, parse_time(event, TODAY)) == event  # the period names the event
    plain = "Which news agency reported the H20 ban?"
    assert topic_of(plain, parse_time(plain, TODAY)) == plain  # no time intent: "news" is content
    assert topic_of("latest news", parse_time("latest news", TODAY)) == "latest news"  # nothing else left
