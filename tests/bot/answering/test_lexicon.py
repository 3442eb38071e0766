from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.answering.answerer import Answerer
from bot.answering.evidence import Query
from bot.answering.lexicon import Lexicon, LexiconError
from bot.answering.terms import TermWeights
from tests.bot.answering.test_answerer import ALWAYS_ANSWER
from tests.bot.corpus_fixture import small_corpus
from tests.bot.fakes import FakeIndex

ALWAYS_DATE = date(2026, 1, 1)

ENTRIES = [
    {"name": "ASML", "also": ["ASML Holding"], "describe": ["dutch/netherlands lithography/chip-equipment"]},
    {"name": "Rapidus", "describe": ["japan/japanese 2nm venture/startup/foundry"]},
    {"name": "Nexperia", "describe": ["nijmegen"]},
]


def test_a_description_matches_in_any_order_and_inflection_with_hyphenated_words_read_as_parts() -> None:
    lexicon = Lexicon.from_entries(ENTRIES)
    assert lexicon.described("What did the Dutch lithography-machine makers ship?") == ("ASML",)
    assert lexicon.described("Which startups in Japan make 2nm chips, per the ventures?") == ("Rapidus",)
    assert lexicon.described("Who owns the Nijmegen-based chipmaker?") == ("Nexperia",)


def test_every_slot_must_match_and_a_named_entity_gets_nothing_added() -> None:
    lexicon = Lexicon.from_entries(ENTRIES)
    assert lexicon.described("What did the Dutch government decide?") == ()  # "lithography" slot unmatched
    assert lexicon.described("What did ASML Holding, the Dutch lithography firm, ship?") == ()
    assert lexicon.described("Did the Dutch chip-equipment maker and the Nijmegen firm both comment?") == (
        "ASML",
        "Nexperia",
    )


def test_a_description_word_of_several_terms_needs_them_all() -> None:
    lexicon = Lexicon.from_entries([{"name": "ZTE", "describe": ["7-year/seven-year ban"]}])
    assert lexicon.described("Which firm got a 7-year ban?") == ("ZTE",)
    assert lexicon.described("Which firm got a seven-year ban?") == ("ZTE",)
    assert lexicon.described("Did the ban last a year?") == ()  # "year" alone is not "7-year"


def test_a_bad_entry_is_refused_with_the_entry_and_the_fault(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match=r"entry 2: description 'the of' has a slot with no content word"):
        Lexicon.from_entries([ENTRIES[0], {"name": "X", "describe": ["the of"]}])
    with pytest.raises(LexiconError, match="entry 1: 'name'"):
        Lexicon.from_entries([{"describe": ["nijmegen"]}])
    broken = tmp_path / "entities.json"
    broken.write_text('{"name": "ASML"}', encoding="utf-8")
    with pytest.raises(LexiconError, match="must hold a JSON list"):
        Lexicon.load(broken)


def test_the_packaged_lexicon_loads_and_names_what_the_trade_press_describes() -> None:
    lexicon = Lexicon.load()
    names = [e.name for e in lexicon.entities]
    assert len(names) == len(set(names)) > 100
    assert "ASML" in lexicon.described("Which licences did the Dutch lithography-machine maker lose?")
    assert "TSMC" in lexicon.described("How much did the Taiwanese foundry giant invest in Arizona?")
    assert "Cyberspace Administration of China" in lexicon.described("What did China's internet watchdog find?")
    assert lexicon.described("What did Nvidia say about H20 sales?") == ()


def test_described_names_count_as_the_questions_names_and_terms() -> None:
    weights = TermWeights.from_texts(["ASML lithography exports", "Dutch rules"])
    plain = Query.parse("What did the Dutch lithography maker ship?", weights, today=ALWAYS_DATE)
    query = Query.parse("What did the Dutch lithography maker ship?", weights, today=ALWAYS_DATE, described=("ASML",))
    assert query.entities == (*plain.entities, "ASML")
    assert query.terms == (*plain.terms, "asml") and query.weights["asml"] == weights.idf("asml")


def test_the_answerer_searches_for_the_described_name_and_cites_its_article(tmp_path: Path) -> None:
    lexicon_file = tmp_path / "entities.json"
    lexicon_file.write_text(json.dumps(ENTRIES), encoding="utf-8")
    index = FakeIndex(small_corpus())
    bot = Answerer(index, models=ALWAYS_ANSWER, lexicon=Lexicon.load(lexicon_file))  # type: ignore[arg-type]
    answer = bot.answer("Will the Netherlands curb the chip-equipment maker's systems?")
    assert index.queries[-1] == "Will the Netherlands curb the chip-equipment maker's systems? (ASML)"
    assert answer.citations[0].article.id == "asml-duv"


def test_the_answer_and_its_terminal_and_json_views_say_whom_the_question_was_read_as_naming(tmp_path: Path) -> None:
    from bot.cli.output import answer_json, render_plain

    lexicon_file = tmp_path / "entities.json"
    lexicon_file.write_text(json.dumps(ENTRIES), encoding="utf-8")
    bot = Answerer(FakeIndex(small_corpus()), models=ALWAYS_ANSWER, lexicon=Lexicon.load(lexicon_file))  # type: ignore[arg-type]
    answer = bot.answer("Will the Netherlands curb the chip-equipment maker's systems?")
    assert answer.read_as == ("ASML",)
    assert render_plain(answer).startswith("(read as naming: ASML)\n")
    assert answer_json(answer)["read_as"] == ["ASML"]
    assert bot.answer("Will the Dutch restrict ASML DUV lithography exports?").read_as == ()
