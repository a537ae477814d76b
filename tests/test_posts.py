"""Pure: which post each side held on an event's date (no app, no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.posts import (
    PostBook,
    PostRef,
    Side,
    TenureSpan,
    is_post_pair_key,
    lane_key,
    pair_label,
    suggest_posts,
)

D = dt.date

SECDEF = PostRef(1, "Secretary of Defense", "United States", ("Defense Secretary", "Pentagon chief"))
MOD = PostRef(2, "Minister of Defence", "Russia", ("Defence Minister",))
CGS = PostRef(3, "Chief of the General Staff", "Russia")
BOOK = PostBook.build(
    [SECDEF, MOD, CGS],
    [
        TenureSpan(1, 1, 1, D(2021, 1, 22), D(2025, 1, 19)),  # Austin
        TenureSpan(2, 2, 2, D(2012, 11, 6), D(2024, 5, 12)),  # Shoigu
        TenureSpan(3, 3, 2, D(2024, 5, 14), None),  # Belousov
        TenureSpan(4, 5, 1, D(2025, 1, 25), None),  # Hegseth
        TenureSpan(5, 5, 3, None, None, inferred=True),  # an odd role once named for Hegseth
    ],
)


@dataclass(frozen=True)
class Row:
    official_a_id: int
    official_b_id: int
    date: dt.date
    role_a: str = ""
    role_b: str = ""
    country_a: str = "United States"
    country_b: str = "Russia"


def test_a_side_without_a_role_holds_the_post_of_its_dated_tenure_on_the_date() -> None:
    assert BOOK.post_of(1, "", "United States", D(2022, 5, 13)) == 1
    assert BOOK.post_of(1, "", "United States", D(2026, 1, 1)) is None  # long after: the person


def test_a_named_role_is_its_post_or_an_alias_of_it_whatever_the_spelling() -> None:
    assert BOOK.post_of(9, "Minister of Defense", "Russia", D(2020, 1, 1)) == 2
    assert BOOK.post_of(9, "Russian defence minister", "Russia", D(2020, 1, 1)) == 2
    assert BOOK.post_of(9, "Pentagon chief", "United States", D(2020, 1, 1)) == 1
    assert BOOK.post_of(9, "Foreign Minister", "Russia", D(2020, 1, 1)) is None


def test_an_unknown_wording_is_a_variant_of_the_post_held_that_day() -> None:
    # "Secretary of Defense (Secretary of War)" names no post, but Hegseth held one that day
    assert BOOK.post_of(5, "Secretary of Defense (Secretary of War)", "United States", D(2025, 9, 9)) == 1


def test_a_named_role_that_is_another_known_post_still_wins() -> None:
    assert BOOK.post_of(2, "Chief of the General Staff", "Russia", D(2020, 1, 1)) == 3


def test_an_inferred_tenure_never_overrides_a_dated_one() -> None:
    # Hegseth's undated, inferred tenure of the General Staff does not re-route his role-less events
    assert BOOK.post_of(5, "", "United States", D(2025, 3, 1)) == 1


def test_an_event_in_the_days_of_a_handover_stays_in_the_post() -> None:
    # Shoigu's tenure ended 2024-05-12, Belousov's began 2024-05-14
    assert BOOK.post_of(2, "", "Russia", D(2024, 5, 13)) == 2
    assert BOOK.post_of(3, "", "Russia", D(2024, 5, 13)) == 2
    # Austin ended 2025-01-19, Hegseth began 2025-01-25
    assert BOOK.post_of(1, "", "United States", D(2025, 1, 21)) == 1
    # long after a tenure there is no handover
    assert BOOK.post_of(2, "", "Russia", D(2025, 5, 13)) is None


def test_a_post_pair_lane_continues_across_holders() -> None:
    before = BOOK.lane(Row(1, 2, D(2022, 5, 13)))
    after = BOOK.lane(Row(1, 3, D(2024, 7, 12)))
    later = BOOK.lane(Row(5, 3, D(2025, 3, 1)))
    assert before.key == after.key == later.key == "p1-p2"


def test_both_sides_in_one_post_make_a_person_pair() -> None:
    handover = BOOK.lane(Row(2, 3, D(2024, 5, 13), country_a="Russia"))
    assert handover.key == "2:3"
    assert lane_key(2, 2, 3, 2) == "2:3" and lane_key(1, None, 2, 7) == "o1-p7"


def test_lane_labels_put_the_home_country_first_then_by_country() -> None:
    us, ru, cn = (
        Side("US Secretary of Defense", "United States"),
        Side("Russian Minister", "Russia"),
        Side("Chinese X", "China"),
    )
    assert pair_label(ru, us) == pair_label(us, ru) == "US Secretary of Defense – Russian Minister"
    assert pair_label(ru, cn) == "Chinese X – Russian Minister"


def test_close_wordings_are_suggested() -> None:
    [best] = suggest_posts(BOOK, "Secretery of Defence", "United States")[:1]
    assert best.name == "Secretary of Defense"
    assert suggest_posts(BOOK, "Minister of Agriculture", "Russia") == []
    assert suggest_posts(BOOK, "Deputy Defence Minister", "Russia") == []  # another office


def test_post_pair_keys_are_told_from_person_pair_keys() -> None:
    assert is_post_pair_key("p1-p2") and is_post_pair_key("o3-p2") and not is_post_pair_key("3:4")
