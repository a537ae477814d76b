"""Pure: which post each side of an event held on its date, and so the event's post pair.

``PostBook`` is built from plain values (tenures and posts as read by ``tracker.store.people``)
and needs no database: the rules of post resolution are tested on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from tracker.names import post_key, post_label


@dataclass(frozen=True, slots=True)
class TenureSpan:
    """A tenure as the post resolver reads it: who held which post, from when to when."""

    id: int
    official_id: int
    post_id: int
    title: str
    country: str
    start: dt.date | None
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post as the resolver reads it."""

    id: int
    title: str
    country: str


class SidedRow(Protocol):
    """What resolving reads of an event: its sides, their roles as named, its date and person pair."""

    @property
    def official_a_id(self) -> int: ...
    @property
    def official_b_id(self) -> int: ...
    @property
    def official_a(self) -> str: ...
    @property
    def official_b(self) -> str: ...
    @property
    def role_a(self) -> str: ...
    @property
    def role_b(self) -> str: ...
    @property
    def country_a(self) -> str: ...
    @property
    def country_b(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def pair_key(self) -> str: ...
    @property
    def pair_label(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Resolved:
    """The posts the two sides of an event held, and the event's post pair."""

    post_a: str
    post_b: str
    post_pair_key: str
    post_pair_label: str


def is_post_pair_key(key: str) -> bool:
    """Whether ``key`` names a post pair ("p1-p2") rather than a person pair ("1:2")."""
    return ":" not in key


def _side_order(key: str) -> tuple[str, int]:
    return key[0], int(key[1:])


class PostBook:
    """Every tenure and post, to tell which post each side of an event held on its date."""

    def __init__(self, tenures: Iterable[TenureSpan], posts: Iterable[PostRef]) -> None:
        self._tenures: dict[int, list[tuple[TenureSpan, str, str]]] = {}
        for t in tenures:
            entry = (t, post_key(t.title, t.country)[0], post_label(t.title, t.country))
            self._tenures.setdefault(t.official_id, []).append(entry)
        self._posts: dict[tuple[str, str], tuple[int, str]] = {}
        for p in sorted(posts, key=lambda p: p.id):
            self._posts.setdefault(post_key(p.title, p.country), (p.id, post_label(p.title, p.country)))

    def post_of(self, official_id: int, role: str, country: str, day: dt.date) -> tuple[str, str]:
        """(side key, label) of what one side was on ``day``: a post ("p7", title) or the official ("o3", "")."""
        held = [(t, key, label) for t, key, label in self._tenures.get(official_id, []) if t.covers(day)]
        if role:
            wanted = post_key(role, country)[0]
            named = [(t, label) for t, key, label in held if key == wanted]
            if named:
                return f"p{named[0][0].post_id}", named[0][1]
            post = self._posts.get(post_key(role, country))
            if post is not None:
                return f"p{post[0]}", post[1]
        if held:
            # the most specific tenure: dated ones before open-ended ones, the latest start first
            best, _, label = max(
                held, key=lambda h: (h[0].start is not None, h[0].start or dt.date.min, h[0].id)
            )
            return f"p{best.post_id}", label
        return f"o{official_id}", ""

    def resolve(self, row: SidedRow) -> Resolved:
        """The posts ``row``'s sides held on its date and its post pair (a person pair in a handover)."""
        key_a, post_a = self.post_of(row.official_a_id, row.role_a, row.country_a, row.date)
        key_b, post_b = self.post_of(row.official_b_id, row.role_b, row.country_b, row.date)
        if key_a == key_b:  # both sides in one post (a handover): a pair of persons, not of posts
            return Resolved(post_a, post_b, row.pair_key, row.pair_label)
        label_a, label_b = post_a or row.official_a, post_b or row.official_b
        (k1, l1), (k2, l2) = sorted([(key_a, label_a), (key_b, label_b)], key=lambda kv: _side_order(kv[0]))
        return Resolved(post_a, post_b, f"{k1}-{k2}", f"{l1} – {l2}")
