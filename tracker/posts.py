"""Pure: which post each side of an event held on its date, and so the lane (post pair) it is in.

``PostBook`` is built from plain values (posts with their aliases, and tenures, as
``tracker.store.people`` reads them) and needs no database. The rules, in order:

1. A role the source names that is a recorded post or one of its aliases (spelling aside) is
   that post: a named role that is clearly a known post wins.
2. Otherwise a side held, on the date, the post of a *dated* tenure covering it; a role in words
   no post has is read as a variant of that post ("Secretary of Defense (Secretary of War)").
3. Otherwise, in the days of a handover between two dated tenures of one post, a side that is
   the outgoing or incoming holder stays in that post.
4. Otherwise an undated tenure (one inferred from a role, or entered without dates) — the first
   recorded, so that one odd spelling cannot re-route an official's other events.
5. Otherwise the side is the person.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from tracker.countries import canonical_country
from tracker.names import Suggestion, post_key, post_label, suggestions

#: The longest vacancy between two holders of a post that still counts as a handover.
HANDOVER_DAYS = 90


@dataclass(frozen=True, slots=True)
class TenureSpan:
    """A tenure as the resolver reads it: who held which post, from when to when."""

    id: int
    official_id: int
    post_id: int
    start: dt.date | None
    end: dt.date | None
    inferred: bool = False

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post as the resolver reads it, with the other wordings that name it."""

    id: int
    title: str
    country: str
    aliases: tuple[str, ...] = ()
    seats: int = 1

    @property
    def label(self) -> str:
        return post_label(self.title, self.country)


class SidedEvent(Protocol):
    """What resolving reads of an event: its sides, their roles as named and countries, its date."""

    @property
    def official_a_id(self) -> int: ...
    @property
    def official_b_id(self) -> int: ...
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


@dataclass(frozen=True, slots=True)
class Lane:
    """Where an event goes: the posts its two sides held (None: the person) and its lane key."""

    post_a_id: int | None
    post_b_id: int | None
    key: str


@functools.lru_cache(maxsize=8192)  # a large import asks for the same few pairs on every row
def person_pair_key(official_a_id: int, official_b_id: int) -> str:
    """The key of the pair of two officials, the same whichever side comes first ("3:4")."""
    low, high = sorted((official_a_id, official_b_id))
    return f"{low}:{high}"


_PAIR_KEY = re.compile(r"\d{1,10}:\d{1,10}|[op]\d{1,10}-[op]\d{1,10}")


def is_pair_key(key: str) -> bool:
    """Whether ``key`` has the shape of a lane's key ("3:4", "p1-p2", "o3-p2")."""
    return _PAIR_KEY.fullmatch(key) is not None


def is_post_pair_key(key: str) -> bool:
    """Whether ``key`` names a lane of posts ("p1-p2", "o3-p2") rather than a person pair ("1:2")."""
    return ":" not in key


def side_key(post_id: int | None, official_id: int) -> str:
    """A side of a lane: a post ("p7") or, without one, the official ("o3")."""
    return f"p{post_id}" if post_id is not None else f"o{official_id}"


@functools.lru_cache(maxsize=8192)
def lane_key(official_a_id: int, post_a_id: int | None, official_b_id: int, post_b_id: int | None) -> str:
    """The key of the lane of an event whose sides held these posts.

    Both sides in one post (a handover) make a pair of persons, not of posts.
    """
    a, b = side_key(post_a_id, official_a_id), side_key(post_b_id, official_b_id)
    if a == b:
        return person_pair_key(official_a_id, official_b_id)
    return "-".join(sorted((a, b), key=lambda k: (k[0], int(k[1:]))))


@dataclass
class PostBook:
    """Every post (with its aliases) and tenure, to tell which post each side of an event held."""

    posts: dict[int, PostRef] = field(default_factory=dict)
    by_key: dict[tuple[str, str], int] = field(default_factory=dict)
    tenures: dict[int, list[TenureSpan]] = field(default_factory=dict)
    holders: dict[int, list[TenureSpan]] = field(default_factory=dict)

    @classmethod
    def build(cls, posts: Iterable[PostRef], tenures: Iterable[TenureSpan]) -> PostBook:
        book = cls()
        for post in sorted(posts, key=lambda p: p.id):
            book.posts[post.id] = post
            for wording in (post.title, *post.aliases):
                book.by_key.setdefault(post_key(wording, post.country), post.id)
        for tenure in sorted(tenures, key=lambda t: t.id):
            book.tenures.setdefault(tenure.official_id, []).append(tenure)
            if tenure.dated:
                book.holders.setdefault(tenure.post_id, []).append(tenure)
        for spans in book.holders.values():
            spans.sort(key=lambda t: (t.start or dt.date.min, t.id))
        return book

    def add_post(self, post: PostRef) -> None:
        """Know a post just recorded (its title and aliases)."""
        self.posts[post.id] = post
        for wording in (post.title, *post.aliases):
            self.by_key.setdefault(post_key(wording, post.country), post.id)

    def add_wording(self, post_id: int, wording: str) -> None:
        """Know another wording of a post just recorded."""
        post = self.posts[post_id]
        self.posts[post_id] = PostRef(post.id, post.title, post.country, (*post.aliases, wording), post.seats)
        self.by_key.setdefault(post_key(wording, post.country), post_id)

    def match(self, role: str, country: str) -> int | None:
        """The post ``role`` names in ``country`` (its title or an alias, spelling aside), if any."""
        return self.by_key.get(post_key(role, country)) if role else None

    def _handover(self, official_id: int, day: dt.date) -> int | None:
        """The post the official was handing over or taking over on ``day``, if ``day`` is in a short vacancy."""
        for tenure in self.tenures.get(official_id, []):
            if not tenure.dated:
                continue
            spans = self.holders.get(tenure.post_id, [])
            i = spans.index(tenure)
            if tenure.end is not None and day > tenure.end and i + 1 < len(spans):
                following = spans[i + 1].start
                if (
                    following is not None
                    and day < following
                    and (following - tenure.end).days <= HANDOVER_DAYS
                ):
                    return tenure.post_id
            if tenure.start is not None and day < tenure.start and i > 0:
                previous = spans[i - 1].end
                if (
                    previous is not None
                    and day > previous
                    and (tenure.start - previous).days <= HANDOVER_DAYS
                ):
                    return tenure.post_id
        return None

    def post_of(self, official_id: int, role: str, country: str, day: dt.date) -> int | None:
        """The post one side held on ``day`` (None: the person), by the rules of this module."""
        named = self.match(role, country)
        if named is not None:
            return named
        held = self.tenures.get(official_id, [])
        dated = [t for t in held if t.dated and t.covers(day)]
        if dated:
            # the most specific: the latest start first
            return max(dated, key=lambda t: (t.start or dt.date.min, t.id)).post_id
        handover = self._handover(official_id, day)
        if handover is not None:
            return handover
        undated = [t for t in held if not t.dated]
        return undated[0].post_id if undated else None

    def lane(self, event: SidedEvent) -> Lane:
        """The posts an event's sides held on its date, and its lane."""
        a = self.post_of(event.official_a_id, event.role_a, event.country_a, event.date)
        b = self.post_of(event.official_b_id, event.role_b, event.country_b, event.date)
        return Lane(a, b, lane_key(event.official_a_id, a, event.official_b_id, b))

    def holds_dated(self, official_id: int) -> bool:
        """Whether any dated tenure of the official is recorded."""
        return any(t.dated for t in self.tenures.get(official_id, []))

    def outside_tenure(self, official_id: int, post_id: int | None, day: dt.date) -> str:
        """A warning when the official has dated tenures of ``post_id`` but none covers ``day`` ("" if fine)."""
        if post_id is None:
            return ""
        spans = [t for t in self.tenures.get(official_id, []) if t.post_id == post_id and t.dated]
        if not spans or any(t.covers(day) for t in spans):
            return ""
        ranges = ", ".join(
            f"{t.start.isoformat() if t.start else '?'} to {t.end.isoformat() if t.end else 'now'}"
            for t in spans
        )
        post = self.posts.get(post_id)
        return f"{day.isoformat()} is outside the recorded tenure as {post.label if post else 'this post'} ({ranges})"

    def tenure_start(self, official_id: int, post_id: int, before: dt.date) -> dt.date | None:
        """When the official's dated tenure of the post that covers (or last began before) ``before`` started."""
        starts = [
            t.start
            for t in self.tenures.get(official_id, [])
            if t.post_id == post_id and t.start is not None and t.start <= before
        ]
        return max(starts) if starts else None


def suggest_posts(book: PostBook, role: str, country: str) -> list[Suggestion]:
    """Recorded posts of ``country`` whose title or alias is close to ``role`` ("did you mean")."""
    wanted = canonical_country(country)
    known = {
        post_key(wording, post.country)[0]: post.title
        for post in book.posts.values()
        if post.country == wanted
        for wording in (post.title, *post.aliases)
    }
    return suggestions(post_key(role, country)[0], known, words=False)


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a lane as it is shown: its label (a post's, or a person's name) and country."""

    label: str
    country: str


def pair_label(a: Side, b: Side, home: str = "United States") -> str:
    """ "A – B", the sides in the order every page shows them: ``home``'s first, then by country and label."""
    first, second = sorted((a, b), key=lambda s: (s.country != home, s.country, s.label))
    return f"{first.label} – {second.label}"
