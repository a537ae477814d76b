"""Issue 13, the pure part: dates read against the publication date, the seed article, the corpus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from flask import Flask

from tracker.db import get_session
from tracker.drafting import (
    Candidate,
    KnownContext,
    WhosWho,
    draft_contacts,
    find_dates,
    resolve_date,
    split_sentences,
)
from tracker.store.whoswho import whos_who

CORPUS = Path(__file__).parent / "data" / "drafting"
SEED = CORPUS / "000_seed_thehill.txt"
THURSDAY = dt.date(2022, 5, 19)
INVASION = KnownContext(
    dt.date(2022, 2, 24), "Russia invades Ukraine", "Russia's full-scale invasion of Ukraine begins."
)
D = dt.date


@pytest.mark.parametrize(
    ("phrase", "published", "date", "precision", "earliest", "latest"),
    [
        ("on Thursday", THURSDAY, D(2022, 5, 19), "day", D(2022, 5, 19), D(2022, 5, 19)),
        ("on Tuesday", THURSDAY, D(2022, 5, 17), "day", D(2022, 5, 17), D(2022, 5, 17)),
        ("last Thursday", THURSDAY, D(2022, 5, 12), "day", D(2022, 5, 12), D(2022, 5, 12)),
        ("yesterday", THURSDAY, D(2022, 5, 18), "day", D(2022, 5, 18), D(2022, 5, 18)),
        ("today", THURSDAY, THURSDAY, "day", THURSDAY, THURSDAY),
        ("last week", THURSDAY, D(2022, 5, 9), "week", D(2022, 5, 9), D(2022, 5, 15)),
        ("earlier this week", THURSDAY, D(2022, 5, 16), "week", D(2022, 5, 16), D(2022, 5, 18)),
        ("earlier this month", THURSDAY, D(2022, 5, 1), "month", D(2022, 5, 1), D(2022, 5, 18)),
        ("last month", THURSDAY, D(2022, 4, 1), "month", D(2022, 4, 1), D(2022, 4, 30)),
        ("in May", D(2013, 8, 9), D(2013, 5, 1), "month", D(2013, 5, 1), D(2013, 5, 31)),
        ("in November", D(2023, 2, 7), D(2022, 11, 1), "month", D(2022, 11, 1), D(2022, 11, 30)),
        ("since May", D(2022, 10, 24), D(2022, 5, 1), "month", D(2022, 5, 1), D(2022, 5, 31)),
        ("last November", D(2025, 11, 3), D(2024, 11, 1), "month", D(2024, 11, 1), D(2024, 11, 30)),
        ("Feb. 18", THURSDAY, D(2022, 2, 18), "day", D(2022, 2, 18), D(2022, 2, 18)),
        ("on Oct. 30, 2020", D(2021, 9, 29), D(2020, 10, 30), "day", D(2020, 10, 30), D(2020, 10, 30)),
        ("On Saturday, Feb. 4", D(2023, 2, 7), D(2023, 2, 4), "day", D(2023, 2, 4), D(2023, 2, 4)),
        ("less than one week ago", THURSDAY, D(2022, 5, 13), "week", D(2022, 5, 13), D(2022, 5, 18)),
        (
            "in the past 24 hours",
            D(2014, 4, 25),
            D(2014, 4, 24),
            "approximate",
            D(2014, 4, 24),
            D(2014, 4, 25),
        ),
        ("Over the past month", D(2022, 3, 24), D(2022, 2, 22), "reported", D(2022, 2, 22), D(2022, 3, 24)),
        ("in mid-February", D(2022, 3, 24), D(2022, 2, 11), "approximate", D(2022, 2, 11), D(2022, 2, 20)),
        ("in early March 2017", D(2018, 6, 7), D(2017, 3, 1), "approximate", D(2017, 3, 1), D(2017, 3, 10)),
        ("late last month", D(2024, 9, 10), D(2024, 8, 21), "approximate", D(2024, 8, 21), D(2024, 8, 31)),
        ("Earlier this year", D(2021, 9, 29), D(2021, 1, 1), "approximate", D(2021, 1, 1), D(2021, 9, 29)),
    ],
)
def test_a_date_phrase_is_read_against_the_publication_date(
    phrase: str, published: dt.date, date: dt.date, precision: str, earliest: dt.date, latest: dt.date
) -> None:
    guess = resolve_date(phrase, published)
    assert guess is not None
    assert (guess.date, guess.precision, guess.earliest, guess.latest) == (date, precision, earliest, latest)


def test_days_before_a_context_event_count_from_its_recorded_date() -> None:
    guess = resolve_date("six days before Russia first attacked Ukraine", THURSDAY, [INVASION])
    assert guess is not None and (guess.date, guess.precision) == (D(2022, 2, 18), "day")
    assert resolve_date("six days before Russia first attacked Ukraine", THURSDAY) is None


def test_a_sentence_keeps_each_date_phrase_and_never_dates_after_publication() -> None:
    found = find_dates("spoke less than one week ago, also for the first time since Feb. 18.", THURSDAY)
    assert [g.phrase for _, g in found] == ["less than one week ago", "since Feb. 18"]
    assert resolve_date("on Dec. 25", THURSDAY) is not None
    assert resolve_date("on Dec. 25", THURSDAY).date == D(2021, 12, 25)  # type: ignore[union-attr]


def test_sentences_keep_titles_and_abbreviated_months_whole() -> None:
    text = "Gen. Mark Milley spoke on Feb. 18 with the U.S. side. Then Lloyd J. Austin III met him."
    assert split_sentences(text) == [
        "Gen. Mark Milley spoke on Feb. 18 with the U.S. side.",
        "Then Lloyd J. Austin III met him.",
    ]


@pytest.fixture
def who(seeded: Flask) -> WhosWho:
    with seeded.app_context():
        return whos_who(get_session())


def _summary(c: Candidate) -> tuple[str, str, str, str | None, str, str, str]:
    end = c.date_end.isoformat() if c.date_end else None
    return (c.official_a, c.official_b, c.date.isoformat(), end, c.date_precision, c.channel, c.status)


def test_the_seed_article_yields_the_contacts_domain_md_lists(who: WhosWho) -> None:
    draft = draft_contacts(SEED.read_text(encoding="utf-8"), THURSDAY, who)
    got = sorted(_summary(c) for c in draft.candidates)
    assert got == sorted(
        [
            ("Mark Milley", "Valery Gerasimov", "2022-05-19", None, "day", "phone", "held"),
            ("Mark Milley", "Valery Gerasimov", "2022-02-18", None, "day", "phone", "held"),
            ("Lloyd Austin", "Sergei Shoigu", "2022-05-13", None, "week", "phone", "held"),
            ("Lloyd Austin", "Sergei Shoigu", "2022-02-18", None, "day", "phone", "held"),
            # the article does not date the start of the rebuffs: the day after the invasion
            # (the last context event before them); DOMAIN.md knows the line was set up on 2022-03-01
            ("U.S. European Command", "Russian Ministry of Defence", "2022-02-25", "2022-05-09", "week", "hotline", "refused"),
        ]
    )  # fmt: skip
    by_date = {c.date_phrase: c for c in draft.candidates}
    assert "less than one week ago" in by_date and by_date["less than one week ago"].cues["official_b"]
    first = next(c for c in draft.candidates if c.date == THURSDAY)
    assert first.evidence.startswith("Chairman of the Joint Chiefs of Staff Gen. Mark Milley spoke")
    assert first.cues["official_b"] == "his Russian counterpart"
    assert draft.third_party == []


def _canonical(who: WhosWho) -> dict[str, str]:
    return {spelling: p.name for p in who.people for spelling in (p.name, *p.aliases)}


def corpus_scores(who: WhosWho) -> tuple[int, int, int, list[str]]:
    """(true positives, false positives, false negatives, misses) over the corpus.

    A candidate finds an expected contact when it names the same two officials (aliases
    resolved) and its days can overlap the days the text allows (``earliest``..``latest``).
    """
    canonical = _canonical(who)
    tp = fp = fn = 0
    misses: list[str] = []
    for article in json.loads((CORPUS / "expected.json").read_text(encoding="utf-8")):
        text = (CORPUS / article["file"]).read_text(encoding="utf-8")
        got = draft_contacts(text, dt.date.fromisoformat(article["published"]), who).candidates
        expected = list(article["contacts"])
        used: set[int] = set()
        for c in got:
            hit = next(
                (
                    i
                    for i, e in enumerate(expected)
                    if i not in used
                    and {canonical.get(e["a"], e["a"]), canonical.get(e["b"], e["b"])}
                    == {c.official_a, c.official_b}
                    and dt.date.fromisoformat(e["earliest"]) <= c.latest
                    and c.earliest <= dt.date.fromisoformat(e["latest"])
                ),
                None,
            )
            if hit is None:
                fp += 1
                misses.append(f"{article['file']}: extra {_summary(c)}")
            else:
                used.add(hit)
                tp += 1
        for i, e in enumerate(expected):
            if i not in used:
                fn += 1
                misses.append(f"{article['file']}: missed {e['a']}–{e['b']} {e['date']} ({e['date_phrase']})")
    return tp, fp, fn, misses


#: The issue's target for both (the rules reach 0.989 recall and 1.000 precision today).
RECALL_FLOOR = 0.90
PRECISION_FLOOR = 0.90


def test_recall_and_precision_on_the_corpus(who: WhosWho, capsys: pytest.CaptureFixture[str]) -> None:
    tp, fp, fn, misses = corpus_scores(who)
    recall, precision = tp / (tp + fn), tp / (tp + fp)
    with capsys.disabled():
        print(  # noqa: T201 (the issue asks for the figures in the output)
            f"\ndrafting corpus: recall {recall:.3f} ({tp}/{tp + fn}), precision {precision:.3f} ({tp}/{tp + fp})"
        )
    assert recall >= RECALL_FLOOR, "\n".join(misses)
    assert precision >= PRECISION_FLOOR, "\n".join(misses)


def test_planned_contacts_vague_totals_and_third_parties_are_not_proposed(who: WhosWho) -> None:
    text = (
        "Defense Secretary Lloyd Austin is expected to call Russian Defense Minister Sergei Shoigu next week. "
        "Austin and Shoigu have spoken five other times this year. "
        "Shoigu also phoned his British counterpart, Ben Wallace, on Sunday."
    )
    draft = draft_contacts(text, D(2022, 10, 24), who)
    assert draft.candidates == []


@pytest.mark.parametrize(
    ("published", "a", "b"),
    [
        ("2016-03-01", "Joseph Dunford", "Valery Gerasimov"),
        ("2019-12-18", "Mark Milley", "Valery Gerasimov"),
    ],
)
def test_titles_resolve_to_whoever_held_the_post_on_the_date(
    who: WhosWho, published: str, a: str, b: str
) -> None:
    text = (
        "The Chairman of the Joint Chiefs spoke by phone with Russia's chief of the general staff on Tuesday."
    )
    draft = draft_contacts(text, D.fromisoformat(published), who)
    assert [(c.official_a, c.official_b) for c in draft.candidates] == [(a, b)]
    assert draft.candidates[0].cues["official_a"] == "Chairman of the Joint Chiefs"


def test_his_counterpart_is_the_holder_of_the_matching_post(who: WhosWho) -> None:
    draft = draft_contacts(
        "Defense Secretary Ash Carter met his Chinese counterpart on Tuesday.", D(2015, 11, 3), who
    )
    assert [(c.official_a, c.official_b, c.channel) for c in draft.candidates] == [
        ("Ashton Carter", "Chang Wanquan", "in_person")
    ]


def test_a_surname_stands_for_an_official_once_named(who: WhosWho) -> None:
    text = "Gen. Mark Milley spoke with Gen. Valery Gerasimov on Monday. Milley and Gerasimov last met in person in June."
    got = sorted(
        (c.date.isoformat(), c.date_precision, c.channel)
        for c in draft_contacts(text, D(2022, 10, 24), who).candidates
    )
    assert got == [("2022-06-01", "month", "in_person"), ("2022-10-24", "day", "phone")]


def test_contacts_with_third_parties_are_listed_apart(who: WhosWho) -> None:
    text = "Shoigu also phoned his British counterpart, Ben Wallace, on Sunday."
    draft = draft_contacts(text, D(2022, 10, 24), who)
    assert draft.candidates == []
    assert [(t.a, t.b) for t in draft.third_party] == [("Sergei Shoigu", "Ben Wallace")]


def test_unknown_names_are_offered_as_new_officials(who: WhosWho) -> None:
    text = (
        "Adm. Joe Examplar, the top U.S. commander in the region, held a video call on Tuesday with "
        "Gen. Wu Yanan, commander of the Chinese Southern Theater Command."
    )
    (c,) = draft_contacts(text, D(2024, 9, 12), who).candidates
    assert (c.official_a, c.country_a, c.official_b, c.country_b, c.channel) == (
        "Joe Examplar", "United States", "Wu Yanan", "China", "video"
    )  # fmt: skip
    assert c.new_officials == ["Joe Examplar", "Wu Yanan"]


def test_a_refusal_without_a_date_is_reported_by_the_publication_date(who: WhosWho) -> None:
    text = "Russian Defense Minister Sergei Shoigu declined a call from Defense Secretary Lloyd Austin."
    (c,) = draft_contacts(text, D(2022, 3, 24), who).candidates
    assert (c.status, c.date, c.date_precision, c.date_phrase) == ("refused", D(2022, 3, 24), "reported", "")


#: Written after the rules, in wordings the corpus does not use: a check that they are not tuned to it.
FRESH = """Pentagon chief Lloyd Austin held talks with Chinese Defense Minister Dong Jun in Singapore on Friday, their first in-person meeting since November 2022.

Austin and Dong also spoke by video link last month.

Gen. CQ Brown Jr. is expected to speak with his Chinese counterpart next week, officials said.

Separately, Austin met Japanese Defense Minister Minoru Kihara on Saturday.

Beijing declined a U.S. request for a call between Brown and Gen. Liu Zhenli earlier this month.

Secretary of State Antony Blinken phoned Foreign Minister Wang Yi yesterday to discuss Taiwan.
"""


def test_an_article_written_after_the_rules_is_read_the_same_way(who: WhosWho) -> None:
    draft = draft_contacts(FRESH, D(2024, 5, 31), who)
    assert [_summary(c) for c in draft.candidates] == [
        ("Lloyd Austin", "Dong Jun", "2024-05-31", None, "day", "in_person", "held"),
        ("Lloyd Austin", "Wei Fenghe", "2022-11-01", None, "month", "in_person", "held"),
        ("Lloyd Austin", "Dong Jun", "2024-04-01", None, "month", "video", "held"),
        ("Charles Q. Brown Jr.", "Liu Zhenli", "2024-05-01", None, "month", "phone", "refused"),
        ("Antony Blinken", "Wang Yi", "2024-05-30", None, "day", "phone", "held"),
    ]
    assert [(t.a, t.b) for t in draft.third_party] == [("Lloyd Austin", "Minoru Kihara")]
