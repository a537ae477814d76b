"""Pure: which post each side held on an event's date (no app, no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.posts import PostBook, PostRef, TenureSpan, is_post_pair_key

D = dt.date

SECDEF, MOD = PostRef(1, "US Secretary of Defense", "US"), PostRef(2, "Russian Minister of Defence", "Russia")
BOOK = PostBook(
    [
        TenureSpan(1, 1, 1, SECDEF.title, "US", D(2021, 1, 22), D(2025, 1, 20)),  # Austin
        TenureSpan(2, 2, 2, MOD.title, "Russia", D(2012, 11, 6), D(2024, 5, 12)),  # Shoigu
        TenureSpan(3, 3, 2, MOD.title, "Russia", D(2024, 5, 14), None),  # Belousov
        TenureSpan(4, 5, 1, SECDEF.title, "US", None, None),  # Hegseth, undated
    ],
    [SECDEF, MOD],
)


@dataclass(frozen=True)
class Row:
    official_a_id: int
    official_b_id: int
    date: dt.date
    role_a: str = ""
    role_b: str = ""
    country_a: str = "US"
    country_b: str = "Russia"
    official_a: str = "A"
    official_b: str = "B"
    pair_key: str = "1:2"
    pair_label: str = "A – B"


def test_a_side_without_a_role_holds_the_post_of_its_tenure_on_the_date() -> None:
    assert BOOK.post_of(1, "", "US", D(2022, 5, 13)) == ("p1", "US Secretary of Defense")
    assert BOOK.post_of(1, "", "US", D(2026, 1, 1)) == ("o1", "")  # after the tenure: the person


def test_a_named_role_matches_its_post_whatever_the_spelling() -> None:
    assert BOOK.post_of(9, "Minister of Defense", "Russian Federation", D(2020, 1, 1))[0] == "p2"
    assert BOOK.post_of(9, "defence minister", "Russia", D(2020, 1, 1))[0] == "p2"
    assert BOOK.post_of(9, "Foreign Minister", "Russia", D(2020, 1, 1)) == ("o9", "")


def test_a_post_pair_continues_across_holders() -> None:
    before = BOOK.resolve(Row(1, 2, D(2022, 5, 13), pair_key="1:2"))
    after = BOOK.resolve(Row(1, 3, D(2024, 7, 12), pair_key="1:3"))
    assert before.post_pair_key == after.post_pair_key == "p1-p2"
    assert before.post_pair_label == "US Secretary of Defense – Russian Minister of Defence"


def test_both_sides_in_one_post_make_a_person_pair() -> None:
    handover = BOOK.resolve(
        Row(
            2,
            3,
            D(2024, 5, 13),
            role_a="Minister of Defence",
            role_b="Minister of Defence",
            country_a="Russia",
        )
    )
    assert handover.post_pair_key == "1:2" and handover.post_pair_label == "A – B"


def test_a_dated_tenure_is_preferred_to_an_undated_one() -> None:
    book = PostBook(
        [
            TenureSpan(1, 1, 1, SECDEF.title, "US", None, None),
            TenureSpan(2, 1, 2, "Chief of Staff", "US", D(2020, 1, 1), D(2023, 1, 1)),
        ],
        [SECDEF, PostRef(2, "Chief of Staff", "US")],
    )
    assert book.post_of(1, "", "US", D(2021, 1, 1))[0] == "p2"
    assert book.post_of(1, "", "US", D(2024, 1, 1))[0] == "p1"


def test_post_pair_keys_are_told_from_person_pair_keys() -> None:
    assert is_post_pair_key("p1-p2") and is_post_pair_key("o3-p2") and not is_post_pair_key("3:4")
