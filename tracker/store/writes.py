"""The one write path of contact events (form, API, CSV import and seeds share it), and their history.

Writing is two steps. ``plan_events`` reads what is recorded once and works out, for every
item, who its sides are (recorded officials and aliases, or new ones, with "did you mean"
suggestions), which posts they held, and whether the item is a new contact, a contact already
recorded, or another report (a corroborating source) of one — writing nothing. ``apply_plan``
then stores it all in one transaction with bulk inserts. ``add_events``, ``add_event`` and
``update_event`` do both.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlmodel import Session, col

from tracker import analysis, clock
from tracker.db import insert_many, transaction, write_lock
from tracker.filerows import EventRow
from tracker.models import (
    EVENT_FIELDS,
    ContactEvent,
    EventBase,
    EventChange,
    EventCreate,
    EventSource,
    Official,
    OfficialAlias,
    Post,
    Tenure,
    as_text,
    utcnow,
)
from tracker.names import Suggestion, name_key, post_key
from tracker.posts import lane_key, person_pair_key, suggest_posts
from tracker.store import lanes
from tracker.store.errors import BatchError, DuplicateError, InputError, StaleError
from tracker.store.lanes import recompute_lanes
from tracker.store.registry import Registry, actor, forget, registry
from tracker.vocabulary import guess_kind

T = TypeVar("T")

#: A date may be this many days after today (UTC) before it counts as in the future.
FUTURE_TOLERANCE = dt.timedelta(days=1)


def reported_days() -> int:
    """How many days before its date a "reported" event may have happened (``REPORTED_WINDOW_DAYS``)."""
    if has_app_context():
        return int(current_app.config.get("REPORTED_WINDOW_DAYS", analysis.REPORTED_DAYS))
    return analysis.REPORTED_DAYS


class UnknownName(InputError):
    """A name to record for the first time that is close to recorded ones: ``suggestions`` by field."""

    def __init__(self, fields: Mapping[str, tuple[str, list[Suggestion]]]) -> None:
        self.suggestions = {name: [s.name for s in found] for name, (_, found) in fields.items()}
        super().__init__(
            {
                name: f"{given!r} is not recorded: did you mean "
                + " or ".join(f"“{s.name}”" for s in found)
                + "? Choose it, or confirm that this is a new name"
                for name, (given, found) in fields.items()
            }
        )


class LooksLikeEvent(InputError):
    """The item looks like another report of a recorded contact: add it as a source, or confirm it is separate."""

    def __init__(self, event_id: int, description: str) -> None:
        self.event_id = event_id
        self.message = (
            f"this looks like event {event_id} ({description}): the same pair on dates that can overlap. "
            "Add this report as a source of it, or confirm that it is a separate contact"
        )
        super().__init__({"date": self.message})


@dataclass(frozen=True)
class Choices:
    """What the person writing decided where the tracker asked.

    ``new`` holds the keys (``choice_key``) of names confirmed as new ("*" for every one);
    ``use`` maps a name's key to the recorded name to use instead; ``corroborates`` adds the
    (one) item as a source of that event; ``separate`` records it as a contact of its own.
    """

    new: frozenset[str] = frozenset()
    use: Mapping[str, str] = field(default_factory=dict)
    corroborates: int | None = None
    separate: bool = False
    remember: bool = True  # keep a name chosen in ``use`` as an alias, so the next import knows it

    def decided(self, key: str) -> str:
        """ "new", the name to use instead, or "" when undecided."""
        if key in self.use:
            return self.use[key]
        return "new" if "*" in self.new or key in self.new else ""


def choice_key(kind: str, name: str, country: str = "") -> str:
    """The key a decision about a new official or post is filed under."""
    if kind == "post":
        return f"post:{country}:{post_key(name, country)[0]}"
    return f"official:{name_key(name)}"


@dataclass
class NewName:
    """An official or post the write would record for the first time, with the closest recorded names."""

    kind: Literal["official", "post"]
    name: str
    country: str
    suggestions: list[Suggestion]
    items: list[int] = field(default_factory=list)
    #: "new", the recorded name used instead, or "" (undecided)
    decision: str = ""

    @property
    def key(self) -> str:
        return choice_key(self.kind, self.name, self.country)

    @property
    def closest(self) -> str:
        return self.suggestions[0].name if self.suggestions else ""


#: An item to write: an event as submitted, or a row of an import file read back from disk.
Item = EventCreate | EventRow


@dataclass(slots=True)
class ItemPlan:
    """What writing one item does: ``add`` it, ``skip`` it (already recorded), or ``corroborate`` an event.

    Matching reads only the few fields copied here: a large import drops ``item`` once planned
    (``plan_events(keep_items=False)``) and hands the items to ``apply_plan`` again from its file.
    """

    index: int
    item: Item | None
    official_a: int  # a recorded official's id, or a new one's (negative) place in the plan
    official_b: int
    post_a: int | None
    post_b: int | None
    earliest: dt.date
    latest: dt.date
    action: Literal["add", "skip", "corroborate"] = "add"
    target_event: int | None = None  # corroborate or skip: the recorded event
    target_item: int | None = None  # corroborate: an earlier item of the batch
    warnings: tuple[str, ...] = ()
    pair_key: str = field(init=False)
    lane_key: str = field(init=False)
    date: dt.date = field(init=False)
    date_end: dt.date | None = field(init=False)
    channel: str = field(init=False)
    status: str = field(init=False)
    source_url: str = field(init=False)
    wanted_id: int | None = field(init=False)  # the id an import row asks for

    def __post_init__(self) -> None:
        # one string per key, shared by the items of a pair (a large import holds many items)
        self.pair_key = sys.intern(person_pair_key(self.official_a, self.official_b))
        self.lane_key = sys.intern(lane_key(self.official_a, self.post_a, self.official_b, self.post_b))
        item = self.item
        assert item is not None
        self.date, self.date_end = item.date, item.date_end
        self.channel, self.status = sys.intern(str(item.channel)), sys.intern(str(item.status))
        self.source_url = item.source_url
        self.wanted_id = getattr(item, "id", None)


@dataclass
class Plan:
    """Everything a write would do, worked out without writing."""

    items: list[ItemPlan] = field(default_factory=list)
    problems: dict[int, InputError] = field(default_factory=dict)
    officials: dict[int, NewName] = field(default_factory=dict)  # by (negative) place
    posts: dict[int, NewName] = field(default_factory=dict)
    tenures: list[tuple[int, int]] = field(default_factory=list)  # (official, post) to record, undated
    #: names read as recorded ones: a sure misspelling, or as chosen (``decision`` is the name used)
    matched: list[NewName] = field(default_factory=list)

    def _matched(self, new: NewName) -> None:
        if all(m.key != new.key for m in self.matched):
            self.matched.append(new)
        else:
            next(m for m in self.matched if m.key == new.key).items.extend(new.items)

    def of(self, action: str) -> list[ItemPlan]:
        return [p for p in self.items if p.action == action]

    @property
    def undecided(self) -> list[NewName]:
        return [n for n in (*self.officials.values(), *self.posts.values()) if not n.decision]

    @property
    def new_officials(self) -> list[NewName]:
        return [n for n in self.officials.values() if n.decision in ("new", "")]

    @property
    def new_posts(self) -> list[NewName]:
        return [n for n in self.posts.values() if n.decision in ("new", "")]

    @property
    def warnings(self) -> list[tuple[int, str]]:
        return [(p.index, w) for p in self.items for w in p.warnings]


@dataclass
class AddResult:
    """What ``add_events`` did: the ids of the events added, and the indexes of the items skipped or corroborating."""

    added: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    corroborating: list[int] = field(default_factory=list)
    new_officials: list[str] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.existing)


# Planning ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stored:
    """A recorded event as matching reads it."""

    id: int
    date: dt.date
    date_end: dt.date | None
    pair_key: str
    lane_key: str
    channel: str
    status: str
    earliest: dt.date
    latest: dt.date
    source_url: str
    deleted: bool


class _Planner:
    """Works out a plan for a batch of items against what one registry knows."""

    def __init__(self, session: Session, reg: Registry, choices: Choices, *, batch: bool) -> None:
        self.session = session
        self.reg = reg
        self.choices = choices
        self.batch = batch
        self.plan = Plan()
        self._new_officials: dict[str, int] = {}
        self._new_posts: dict[tuple[str, str], int] = {}
        self._new_tenures: set[tuple[int, int]] = set()
        self._countries: dict[int, str] = {}
        # read once per plan, not once per item
        self.today = clock.today()
        self.reported_days = reported_days()
        self._bounds: dict[tuple[dt.date, dt.date | None, str], tuple[dt.date, dt.date]] = {}

    def bounds(self, item: Item) -> tuple[dt.date, dt.date]:
        """The earliest and latest day of an item (many items share a date: worked out once each)."""
        key = (item.date, item.date_end, str(item.date_precision))
        found = self._bounds.get(key)
        if found is None:
            found = self._bounds[key] = analysis.date_bounds(*key, reported_days=self.reported_days)
        return found

    # --- sides ---

    def official(self, index: int, name: str, country: str, side: str, asked: dict[str, Any]) -> int | None:
        person = self.reg.directory.find(name)
        if person is not None:
            if country and person.country and person.country != country:
                raise InputError(
                    {
                        f"country_{side}": f"{person.name!r} is recorded with country {person.country!r}, not {country!r}"
                    }
                )
            return person.id
        key = name_key(name)
        if key in self._new_officials:
            place = self._new_officials[key]
            self.plan.officials[place].items.append(index)
            known = self._countries[place]
            if country and known and country != known:
                raise InputError(
                    {f"country_{side}": f"{name!r} is given as of {known!r} on another row, not {country!r}"}
                )
            return place
        found = self.reg.directory.suggest(name, country)
        decision = self.choices.decided(choice_key("official", name))
        if decision and decision != "new":
            chosen = self.reg.directory.find(decision)
            if chosen is None:
                raise InputError({f"official_{side}": f"{decision!r} is not a recorded official"})
            self.plan._matched(NewName("official", name, country, found, [index], chosen.name))
            return chosen.id
        if not decision and found:
            if self.batch and found[0].confident:
                chosen = self.reg.directory.find(found[0].name)
                assert chosen is not None
                self.plan._matched(NewName("official", name, country, found, [index], chosen.name))
                return chosen.id
            if not self.batch:
                asked[f"official_{side}"] = (name, found)
                return None
        if not country:
            raise InputError({f"country_{side}": f"give the country of new official {name!r}"})
        place = -(len(self._new_officials) + 1)
        self._new_officials[key] = place
        self._countries[place] = country
        self.plan.officials[place] = NewName(
            "official", name, country, found, [index], decision if decision else ("" if found else "new")
        )
        return place

    def country_of(self, official: int) -> str:
        if official > 0:
            person = self.reg.directory.people.get(official)
            return person.country if person else ""
        return self._countries.get(official, "")

    def _needs_tenure(self, official: int, post: int) -> None:
        if (official, post) in self._new_tenures:
            return
        if (
            official > 0
            and post > 0
            and any(t.post_id == post for t in self.reg.book.tenures.get(official, []))
        ):
            return
        self._new_tenures.add((official, post))
        self.plan.tenures.append((official, post))

    def post(
        self, index: int, official: int, role: str, day: dt.date, side: str, asked: dict[str, Any]
    ) -> int | None:
        book = self.reg.book
        country = self.country_of(official)
        if role:
            named = book.match(role, country)
            if named is None:
                named = self._new_posts.get(post_key(role, country))
            if named is not None:
                self._needs_tenure(official, named)
                return named
            if official > 0:
                held = [t for t in book.tenures.get(official, []) if t.dated and t.covers(day)]
                if held:  # a wording no post has: a variant of what the official held that day
                    return max(held, key=lambda t: (t.start or dt.date.min, t.id)).post_id
                handover = book._handover(official, day)
                if handover is not None:
                    return handover
            found = suggest_posts(book, role, country)
            decision = self.choices.decided(choice_key("post", role, country))
            if decision and decision != "new":
                chosen = book.match(decision, country)
                if chosen is None:
                    raise InputError({f"role_{side}": f"{decision!r} is not a recorded post of {country}"})
                self.plan._matched(NewName("post", role, country, found, [index], decision))
                self._needs_tenure(official, chosen)
                return chosen
            if not decision and found:
                if self.batch and found[0].confident:
                    chosen = book.match(found[0].name, country)
                    if chosen is not None:
                        self.plan._matched(NewName("post", role, country, found, [index], found[0].name))
                        self._needs_tenure(official, chosen)
                        return chosen
                if not self.batch:
                    asked[f"role_{side}"] = (role, found)
                    return None
            place = -(len(self._new_posts) + 1)
            self._new_posts[post_key(role, country)] = place
            self.plan.posts[place] = NewName(
                "post", role, country, found, [index], decision if decision else ("" if found else "new")
            )
            self._needs_tenure(official, place)
            return place
        if official > 0:
            found_post = book.post_of(official, "", country, day)
            if found_post is not None:
                return found_post
        inferred = [p for o, p in self.plan.tenures if o == official]
        return inferred[0] if inferred else None

    # --- items ---

    def item(self, index: int, item: Item) -> ItemPlan:
        today = self.today
        problems: dict[str, str] = {}
        for name in ("date", "date_end"):
            value = getattr(item, name)
            if value is not None and value > today + FUTURE_TOLERANCE:
                problems[name] = (
                    f"is in the future: {value.isoformat()} is after today ({today.isoformat()}, UTC)"
                )
        if problems:
            raise InputError(problems)
        asked: dict[str, Any] = {}
        a = self.official(index, item.official_a, item.country_a, "a", asked)
        b = self.official(index, item.official_b, item.country_b, "b", asked)
        if a is not None and a == b:
            raise InputError({"official_b": "must differ from the first side"})
        post_a = self.post(index, a, item.role_a, item.date, "a", asked) if a is not None else None
        post_b = self.post(index, b, item.role_b, item.date, "b", asked) if b is not None else None
        if asked:
            raise UnknownName(asked)
        assert a is not None and b is not None
        earliest, latest = self.bounds(item)
        planned = ItemPlan(index, item, a, b, post_a, post_b, earliest, latest)
        for official, post in ((a, post_a), (b, post_b)):
            if official > 0 and post is not None and post > 0:
                warning = self.reg.book.outside_tenure(official, post, item.date)
                if warning:
                    person = self.reg.directory.people.get(official)
                    planned.warnings += (f"{person.name if person else official}: {warning}",)
        return planned


def _compatible(a: str, b: str) -> bool:
    return a == b or "unknown" in (a, b)


def _stored_events(session: Session, pairs: set[str], lanes: set[str], exclude: int | None) -> list[_Stored]:
    if not pairs and not lanes:
        return []
    found: dict[int, _Stored] = {}
    columns = (
        col(ContactEvent.id),
        col(ContactEvent.date),
        col(ContactEvent.date_end),
        col(ContactEvent.pair_key),
        col(ContactEvent.lane_key),
        col(ContactEvent.channel),
        col(ContactEvent.status),
        col(ContactEvent.earliest),
        col(ContactEvent.latest),
        col(ContactEvent.source_url),
        col(ContactEvent.deleted_at).is_not(None),
        col(ContactEvent.date_precision),
    )
    for column, keys in ((ContactEvent.pair_key, pairs), (ContactEvent.lane_key, lanes)):
        chosen = sorted(keys)
        for start in range(0, len(chosen), 500):
            stmt = sa.select(*columns).where(col(column).in_(chosen[start : start + 500]))
            for r in session.execute(stmt):
                if r[0] == exclude or r[0] in found:
                    continue
                lo, hi = (r[7], r[8]) if r[7] is not None else analysis.date_bounds(r[1], r[2], r[11])
                found[r[0]] = _Stored(r[0], r[1], r[2], r[3], r[4], r[5], r[6], lo, hi, r[9], bool(r[10]))
    return list(found.values())


def _source_urls(session: Session, event_ids: Iterable[int]) -> dict[int, set[str]]:
    urls: dict[int, set[str]] = {}
    ids = sorted(set(event_ids))
    for start in range(0, len(ids), 500):
        stmt = sa.select(col(EventSource.event_id), col(EventSource.source_url)).where(
            col(EventSource.event_id).in_(ids[start : start + 500])
        )
        for event_id, url in session.execute(stmt):
            urls.setdefault(event_id, set()).add(url)
    return urls


def _describe(s: _Stored) -> str:
    return f"{s.date.isoformat()}, {s.channel.replace('_', ' ')}, {s.status}"


def plan_events(
    session: Session,
    items: Iterable[Item],
    *,
    choices: Choices | None = None,
    batch: bool = True,
    exclude_id: int | None = None,
    keep_items: bool = True,
) -> Plan:
    """Work out what writing ``items`` would do, writing nothing.

    In a ``batch`` (an import) a name that is surely a misspelling of a recorded one is read as
    it, other close names wait for a decision (``Plan.undecided``), and another report of a
    recorded contact (or of an earlier row) becomes a source of it. One item at a time (the form,
    the API) every close name raises ``UnknownName`` and another report ``LooksLikeEvent``,
    unless ``choices`` settles them. The same contact recorded twice (same date, end date, pair,
    channel and status) is skipped in a batch and ``DuplicateError`` otherwise.

    Without ``keep_items`` the plan holds no item (a large import's memory stays flat):
    ``apply_plan`` is then given them again.
    """
    choices = choices or Choices()
    planner = _Planner(session, registry(session), choices, batch=batch)
    plan = planner.plan
    for index, item in enumerate(items):
        try:
            planned = planner.item(index, item)
            if not keep_items:
                planned.item = None
            plan.items.append(planned)
        except InputError as exc:
            plan.problems[index] = exc
    live = [p for p in plan.items]
    pairs = {p.pair_key for p in live if p.official_a > 0 and p.official_b > 0}
    lanes = {p.lane_key for p in live if _is_post_lane(p)}
    stored = _stored_events(session, pairs, lanes, exclude_id)
    exact = {(s.date, s.date_end, s.pair_key, s.channel, s.status): s for s in stored}
    by_pair: dict[str, list[_Stored]] = {}
    for s in stored:
        by_pair.setdefault(s.pair_key, []).append(s)
        if s.lane_key and s.lane_key != s.pair_key and ":" not in s.lane_key:
            by_pair.setdefault(s.lane_key, []).append(s)
    recorded = {key: _Recorded(group) for key, group in by_pair.items()}
    urls = _source_urls(session, [s.id for s in stored]) if stored else {}
    seen: dict[tuple[object, ...], ItemPlan] = {}
    batch_by_pair: dict[str, _Batch] = {}
    #: items corroborating (or skipped as) an earlier item of the batch, by that item's index
    followers: dict[int, list[ItemPlan]] = {}
    for p in plan.items:
        same = _same(p)
        twin = exact.get(same)
        if twin is not None:
            if batch:
                known_urls = {twin.source_url, *urls.get(twin.id, set())}
                if not p.source_url or p.source_url in known_urls or twin.deleted:
                    p.action, p.target_event = "skip", twin.id
                else:
                    p.action, p.target_event = "corroborate", twin.id
                continue
            if choices.corroborates == twin.id:
                p.action, p.target_event = "corroborate", twin.id
                continue
            plan.problems[p.index] = DuplicateError(twin.id, deleted=twin.deleted)
            continue
        if same in seen:
            earlier = seen[same]
            if not batch:
                plan.problems[p.index] = DuplicateError()
                continue
            new_source = bool(p.source_url) and p.source_url != earlier.source_url
            p.action, p.target_item = ("corroborate" if new_source else "skip"), earlier.index
            followers.setdefault(earlier.index, []).append(p)
            continue
        keys = [p.pair_key] + ([p.lane_key] if _is_post_lane(p) else [])
        candidate = None if choices.separate else _overlapping(p, keys, recorded)
        if candidate is not None:
            if batch:
                # a report already recorded with any contact it may be (a file imported again) is skipped;
                # so is one without an address where such a report is recorded: it would add nothing
                holder = next(
                    (
                        s
                        for s in [candidate, *_overlaps(p, keys, recorded)]
                        if p.source_url in {s.source_url, *urls.get(s.id, set())}
                    ),
                    None,
                )
                if holder is not None:
                    p.action, p.target_event = "skip", holder.id
                    continue
            if batch or choices.corroborates == candidate.id:
                known_urls = {candidate.source_url, *urls.get(candidate.id, set())}
                if batch and p.source_url in known_urls:
                    p.action, p.target_event = "skip", candidate.id
                else:
                    p.action, p.target_event = "corroborate", candidate.id
                continue
            plan.problems[p.index] = LooksLikeEvent(candidate.id, _describe(candidate))
            continue
        if batch and not choices.separate:
            earlier_item = _overlapping_item(p, keys, batch_by_pair)
            if earlier_item is not None and (
                _width(p) >= _width(earlier_item)
                # the more exact report becomes the event only if every report of it can be that day
                or not all(_can_overlap(p, other) for other in followers.get(earlier_item.index, []))
            ):
                p.action, p.target_item = "corroborate", earlier_item.index
                followers.setdefault(earlier_item.index, []).append(p)
                continue
            if earlier_item is not None:
                # this report dates the contact more exactly: it becomes the event, the earlier one its source
                moved = [earlier_item, *followers.pop(earlier_item.index, [])]
                for other in moved:
                    other.action, other.target_item = "corroborate", p.index
                followers.setdefault(p.index, []).extend(moved)
                earlier_keys = [earlier_item.pair_key] + (
                    [earlier_item.lane_key] if _is_post_lane(earlier_item) else []
                )
                for key in earlier_keys:
                    if key in batch_by_pair:
                        batch_by_pair[key].remove(earlier_item)
                if seen.get(_same(earlier_item)) is earlier_item:
                    del seen[_same(earlier_item)]
        if not batch and choices.corroborates is not None:
            plan.problems[p.index] = InputError(
                {"corroborates": f"event {choices.corroborates} is not this contact"}
            )
            continue
        seen[same] = p
        for key in keys:
            group = batch_by_pair.get(key)
            if group is None:
                group = batch_by_pair[key] = _Batch()
            group.add(p)
    plan.items = [p for p in plan.items if p.index not in plan.problems]
    return plan


def _same(p: ItemPlan) -> tuple[dt.date, dt.date | None, str, str, str]:
    """What makes two items the same contact: date, end date, pair, channel and status."""
    return (p.date, p.date_end, p.pair_key, p.channel, p.status)


class _Recorded:
    """A pair's recorded events by earliest date, to find those that can overlap a date range."""

    def __init__(self, events: list[_Stored]) -> None:
        self.events = sorted(events, key=lambda s: s.earliest)
        self.starts = [s.earliest for s in self.events]
        self.widest = max((s.latest - s.earliest for s in self.events), default=dt.timedelta(0))

    def near(self, earliest: dt.date, latest: dt.date) -> list[_Stored]:
        """The events that start no later than ``latest`` and may end on or after ``earliest``."""
        lo = (
            bisect.bisect_left(self.starts, earliest - self.widest)
            if earliest - dt.date.min > self.widest
            else 0
        )
        return self.events[lo : bisect.bisect_right(self.starts, latest)]


class _Batch:
    """A pair's items planned as new events so far, in the order they were planned, found by date."""

    def __init__(self) -> None:
        self.order: list[tuple[dt.date, int]] = []  # (earliest, sequence number), sorted
        self.plans: dict[int, ItemPlan] = {}
        self.sequence: dict[int, int] = {}  # item index -> sequence number
        self.widest = dt.timedelta(0)

    def add(self, p: ItemPlan) -> None:
        number = len(self.sequence)
        self.sequence[p.index] = number
        self.plans[number] = p
        bisect.insort(self.order, (p.earliest, number))
        self.widest = max(self.widest, p.latest - p.earliest)

    def remove(self, p: ItemPlan) -> None:
        number = self.sequence.get(p.index)
        if number is None or number not in self.plans:
            return
        del self.plans[number]
        self.order.pop(bisect.bisect_left(self.order, (p.earliest, number)))

    def first(self, p: ItemPlan, *, not_with_id: bool) -> ItemPlan | None:
        """The first planned of the items that can be the same contact as ``p``: dates that can
        overlap and compatible statuses (``not_with_id``: none that carries an id)."""
        earliest, latest = p.earliest, p.latest
        start = earliest - self.widest if earliest - dt.date.min > self.widest else dt.date.min
        lo = bisect.bisect_left(self.order, (start, -1))
        hi = bisect.bisect_right(self.order, (latest, len(self.sequence)))
        status = p.status
        plans = self.plans
        best: int | None = None
        for _, number in self.order[lo:hi]:
            if best is not None and number > best:
                continue
            other = plans[number]
            if other.latest < earliest or other.earliest > latest:
                continue
            if not _compatible(other.status, status):
                continue
            if not_with_id and other.wanted_id is not None:
                continue
            best = number
        return None if best is None else plans[best]


def _can_overlap(a: ItemPlan, b: ItemPlan) -> bool:
    """Whether two items' dates can be the same day."""
    return a.earliest <= b.latest and b.earliest <= a.latest


def _width(p: ItemPlan) -> int:
    """How many days an item's date leaves open (0 for an exact day)."""
    return (p.latest - p.earliest).days


def _is_post_lane(p: ItemPlan) -> bool:
    return p.post_a is not None and p.post_b is not None and p.post_a != p.post_b


def _overlaps(p: ItemPlan, keys: list[str], by_pair: Mapping[str, _Recorded]) -> list[_Stored]:
    """The recorded contacts (not deleted) of the same pair, on dates that can overlap."""
    found: list[_Stored] = []
    for key in keys:
        group = by_pair.get(key)
        for s in group.near(p.earliest, p.latest) if group is not None else ():
            if not s.deleted and s.latest >= p.earliest and _compatible(s.status, p.status):
                found.append(s)
    return found


def _overlapping(p: ItemPlan, keys: list[str], by_pair: Mapping[str, _Recorded]) -> _Stored | None:
    """The recorded contact (not deleted) of the same pair, on dates that can overlap, closest first."""
    found = _overlaps(p, keys, by_pair)
    if not found:
        return None
    middle = p.earliest + (p.latest - p.earliest) / 2
    return min(found, key=lambda s: (s.channel != p.channel, abs((s.earliest - middle).days), s.id))


def _overlapping_item(p: ItemPlan, keys: list[str], by_pair: Mapping[str, _Batch]) -> ItemPlan | None:
    """An earlier item of the batch that is the same contact, unless both carry ids (deliberate records)."""
    both_ids = p.wanted_id is not None
    for key in keys:
        group = by_pair.get(key)
        found = group.first(p, not_with_id=both_ids) if group is not None else None
        if found is not None:
            return found
    return None


# Applying ----------------------------------------------------------------------------------------


def _snapshot(source: object) -> dict[str, str]:
    return {name: as_text(getattr(source, name)) for name in EVENT_FIELDS}


def _stored_text(item: EventCreate, a: Official, b: Official) -> dict[str, str]:
    """What an event built from ``item`` reads back as (names and countries as recorded)."""
    text = _snapshot(item)
    text.update(official_a=a.name, country_a=a.country, official_b=b.name, country_b=b.country)
    text["initiated_by"] = {name_key(a.name): a.name, name_key(b.name): b.name}.get(
        name_key(item.initiated_by), ""
    )
    return text


def _table(model: type[Any]) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def _create_identities(
    session: Session, plan: Plan, choices: Choices
) -> tuple[dict[int, int], dict[int, int], set[int]]:
    """Insert the plan's new officials, posts and undated tenures; the real ids of each (negative) place."""
    officials: dict[int, int] = {}
    for place, new in plan.officials.items():
        official = Official(name=new.name, country=new.country, kind=guess_kind(new.name))
        session.add(official)
        session.flush()
        officials[place] = official.id or 0
    if choices.remember:  # a spelling someone chose to read as a recorded official is kept as its alias
        for matched in plan.matched:
            person = registry(session).directory.find(matched.decision)
            if matched.kind == "official" and matched.key in choices.use and person is not None:
                if registry(session).directory.find(matched.name) is None:
                    session.add(OfficialAlias(official_id=person.id, name=matched.name))
    posts: dict[int, int] = {}
    for place, new in plan.posts.items():
        post = Post(title=new.name, country=new.country)
        session.add(post)
        session.flush()
        posts[place] = post.id or 0
    touched: set[int] = set()
    for official_place, post_place in plan.tenures:
        official_id = officials.get(official_place, official_place)
        post_id = posts.get(post_place, post_place)
        if official_id > 0 and post_id > 0:
            session.add(Tenure(official_id=official_id, post_id=post_id, inferred=True))
            touched.add(official_id)
    session.flush()
    if officials or posts or touched or plan.matched:
        forget(session)
    return officials, posts, touched


def apply_plan(
    session: Session,
    plan: Plan,
    *,
    by: str = "",
    choices: Choices | None = None,
    items: Callable[[list[int]], Iterable[Item]] | None = None,
) -> AddResult:
    """Store a plan of ``plan_events`` in one transaction (the caller checked its problems).

    When the plan does not hold its items (``keep_items=False``), ``items`` gives those at some
    places (ascending) again: the events to add, then the further reports, a chunk at a time.
    """
    choices = choices or Choices()
    result = AddResult(warnings=plan.warnings)
    if plan.problems:
        raise BatchError(plan.problems)
    undecided = plan.undecided
    if undecided:
        raise BatchError(
            {
                n.items[0]: InputError(
                    {
                        "official_a"
                        if n.kind == "official"
                        else "role_a": f"{n.name!r}: choose a recorded name or confirm it is new"
                    }
                )
                for n in undecided
            }
        )

    def planned(action: str) -> Iterator[tuple[ItemPlan, Item]]:
        """The plan's items of ``action`` with their items, in order."""
        chosen = plan.of(action)
        if items is not None:
            yield from zip(chosen, items([p.index for p in chosen]), strict=True)
            return
        for p in chosen:
            assert p.item is not None
            yield p, p.item

    with transaction(session):
        officials, _posts, touched = _create_identities(session, plan, choices)
        stale: set[str] = set()
        if touched:  # recorded events follow the new tenures (the events added below are laned with them)
            recompute_lanes(session, touched, commit=False, stale=stale)
        reg = registry(session)
        people = {o.id: o for o in session.execute(sa.select(Official)).scalars()}
        now = utcnow()
        adding = plan.of("add")
        # an item's own id where it is free (and not asked twice); fresh ids after the largest
        taken = _taken_ids(session, [p.wanted_id for p in adding if p.wanted_id is not None])
        id_of_item: dict[int, int] = {}
        for p in adding:
            want = p.wanted_id
            if want is not None and want not in taken:
                taken.add(want)
                id_of_item[p.index] = want
        given = max(id_of_item.values(), default=0)
        fresh = iter(_next_event_ids(session, len(adding) - len(id_of_item), above=given))
        for p in adding:
            if p.index not in id_of_item:
                id_of_item[p.index] = next(fresh)
        events_table = _table(ContactEvent)
        history_table = _table(EventChange)

        base_fields = tuple(EventBase.model_fields)
        base_values = operator.attrgetter(*base_fields)  # an item's stored fields, in one call
        #: (official a, official b) -> their pair key, who each is as an initiator, and the sides'
        #: names and countries as recorded
        sides: dict[tuple[int, int], tuple[str, dict[str, int], dict[str, str]]] = {}

        def sides_of(p: ItemPlan) -> tuple[int, int, str, dict[str, int], dict[str, str]]:
            a_id, b_id = officials.get(p.official_a, p.official_a), officials.get(p.official_b, p.official_b)
            found = sides.get((a_id, b_id))
            if found is None:
                a, b = people[a_id], people[b_id]
                initiators = {name_key(a.name): a_id, name_key(b.name): b_id}
                texts = {
                    "official_a": a.name,
                    "country_a": a.country,
                    "official_b": b.name,
                    "country_b": b.country,
                }
                found = sides[(a_id, b_id)] = (person_pair_key(a_id, b_id), initiators, texts)
            return (a_id, b_id, *found)

        def event_values(p: ItemPlan, item: Item, event_id: int) -> dict[str, Any]:
            a_id, b_id, pair, initiators, texts = sides_of(p)
            values: dict[str, Any] = dict(zip(base_fields, base_values(item), strict=True))
            lane = reg.book.lane(_SidedItem(a_id, b_id, item, texts["country_a"], texts["country_b"]))
            values.update(
                id=event_id,
                official_a_id=a_id,
                official_b_id=b_id,
                pair_key=pair,
                initiated_by_id=initiators.get(name_key(item.initiated_by)),
                earliest=p.earliest,
                mid=analysis.middle(p.earliest, p.latest),
                latest=p.latest,
                created_at=now,
                updated_at=now,
                deleted_at=None,
                version=1,
                post_a_id=lane.post_a_id,
                post_b_id=lane.post_b_id,
                lane_key=lane.key,
                date_precision=str(values["date_precision"]),
                channel=str(values["channel"]),
                status=str(values["status"]),
            )
            lane_keys.add(lane.key)
            pair_keys.add(pair)
            return values

        changed_by = actor(by)

        def created(values: Mapping[str, Any]) -> dict[str, Any]:
            """The "created" history row of an event: each field's text as stored (``_stored_text``)."""
            a_id, b_id = values["official_a_id"], values["official_b_id"]
            texts = sides[(a_id, b_id)][2]  # ``event_values`` of this event met its sides
            initiators = {a_id: texts["official_a"], b_id: texts["official_b"]}
            named = {**values, **texts, "initiated_by": initiators.get(values["initiated_by_id"], "")}
            changes = {
                name: ["", text]
                for name in EVENT_FIELDS
                if (text := value if type(value := named[name]) is str else as_text(value))
            }
            return {
                "event_id": values["id"],
                "changed_at": now,
                "changed_by": changed_by,
                "action": "created",
                "changes": changes,
            }

        # Rows are built and stored a chunk at a time: memory stays that of a chunk.
        connection = session.connection()
        lane_keys: set[str] = set()
        pair_keys: set[str] = set()
        added = lanes.AddedEvents()
        for chunk in _chunks(planned("add")):
            rows = [event_values(p, item, id_of_item[p.index]) for p, item in chunk]
            insert_many(connection, events_table, rows)
            insert_many(connection, history_table, [created(values) for values in rows])
            for values in rows:
                added.add(values, sides[(values["official_a_id"], values["official_b_id"])][2])
        # then the further reports, once every event they may report is stored
        for chunk in _chunks(planned("corroborate")):
            sources: list[dict[str, Any]] = []
            history: list[dict[str, Any]] = []
            for p, item in chunk:
                event_id = (
                    p.target_event
                    if p.target_event is not None
                    else id_of_item.get(p.target_item if p.target_item is not None else -1)
                )
                if event_id is None:
                    continue
                sources.append(
                    {
                        "event_id": event_id,
                        "source_url": item.source_url,
                        "source_publisher": item.source_publisher,
                        "source_date": item.source_date,
                        "quote": item.summary[:2000],
                        "channel": str(item.channel),
                        "date": item.date,
                        "created_at": now,
                    }
                )
                history.append(
                    {
                        "event_id": event_id,
                        "changed_at": now,
                        "changed_by": changed_by,
                        "action": "corroborated",
                        "changes": {
                            "source": ["", item.source_url or item.source_publisher or "(no address)"]
                        },
                    }
                )
            insert_many(connection, _table(EventSource), sources)
            insert_many(connection, history_table, history)
        lanes.refresh(session, post=lane_keys | stale, person=pair_keys, added=added)
        result.added = [id_of_item[p.index] for p in adding]
    result.existing = [p.index for p in plan.of("skip")]
    result.corroborating = [p.index for p in plan.of("corroborate")]
    result.new_officials = [n.name for n in plan.new_officials]
    return result


#: Rows stored per INSERT of an import.
CHUNK = 2000


def _chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True, slots=True)
class _SidedItem:
    official_a_id: int
    official_b_id: int
    item: Item
    country_a: str
    country_b: str

    @property
    def role_a(self) -> str:
        return self.item.role_a

    @property
    def role_b(self) -> str:
        return self.item.role_b

    @property
    def date(self) -> dt.date:
        return self.item.date


def _taken_ids(session: Session, ids: list[int]) -> set[int]:
    taken: set[int] = set()
    for start in range(0, len(ids), 500):
        stmt = sa.select(col(ContactEvent.id)).where(col(ContactEvent.id).in_(ids[start : start + 500]))
        taken.update(session.execute(stmt).scalars())
    return taken


def _next_event_ids(session: Session, count: int, *, above: int = 0) -> list[int]:
    """``count`` fresh event ids, each larger than ``above`` (ids an import gives its rows itself):
    from PostgreSQL's sequence, or after the largest on SQLite.

    On SQLite this runs inside the write transaction (identities may already be written), so a
    concurrent writer makes the insert fail rather than collide.
    """
    if session.get_bind().dialect.name == "postgresql":
        if above:  # the sequence moves past the ids given (even when no fresh id is needed)
            session.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('contact_event', 'id'), "
                    "GREATEST((SELECT MAX(id) FROM contact_event), :above))"
                ),
                {"above": above},
            )
        found = session.execute(
            sa.text(
                "SELECT nextval(pg_get_serial_sequence('contact_event', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
        return sorted(int(r[0]) for r in found) if count > 0 else []
    if count <= 0:
        return []
    largest = max(session.execute(sa.select(sa.func.max(col(ContactEvent.id)))).scalar() or 0, above)
    return list(range(largest + 1, largest + 1 + count))


def add_events(
    session: Session,
    items: Sequence[EventCreate],
    *,
    choices: Choices | None = None,
    by: str = "",
    dry_run: bool = False,
) -> AddResult:
    """Plan and store a batch (an import, the seeds), all or nothing; ``BatchError`` names every refused item."""
    if dry_run:
        plan = plan_events(session, items, choices=choices, batch=True)
        if plan.problems:
            raise BatchError(plan.problems)
        return AddResult(
            existing=[p.index for p in plan.of("skip")],
            corroborating=[p.index for p in plan.of("corroborate")],
            new_officials=[n.name for n in plan.new_officials],
            warnings=plan.warnings,
        )
    # planned and stored under the write lock: no other write can make the plan stale meanwhile
    with write_lock(session):
        plan = plan_events(session, items, choices=choices, batch=True)
        if plan.problems:
            raise BatchError(plan.problems)
        return apply_plan(session, plan, by=by, choices=choices)


def add_event(
    session: Session, item: EventCreate, *, choices: Choices | None = None, by: str = ""
) -> tuple[int, AddResult]:
    """Plan and store one event from the form or the API: (the event it is or corroborates, what was done).

    Refusals are the item's own ``InputError``: ``UnknownName``, ``LooksLikeEvent``, ``DuplicateError``.
    """
    with write_lock(session):
        plan = plan_events(session, [item], choices=choices, batch=False)
        if plan.problems:
            raise plan.problems[0]
        result = apply_plan(session, plan, by=by, choices=choices)
    if result.added:
        return result.added[0], result
    target = plan.items[0].target_event
    assert target is not None
    return target, result


def update_event(
    session: Session,
    event_id: int,
    item: EventCreate,
    *,
    choices: Choices | None = None,
    by: str = "",
    version: int | None = None,
) -> EventChange | None:
    """Change an event to ``item``, recording each changed field; None when nothing changed.

    Raises ``LookupError`` when there is no such event (or it is deleted), ``DuplicateError``
    when the change would make it the same contact as another, ``UnknownName`` for close names,
    and ``StaleError`` when ``version`` is given and the event has changed since that version.
    """
    with write_lock(session):
        event = session.get(ContactEvent, event_id)
        if (
            version is not None
            and event is not None
            and event.deleted_at is None
            and event.version != version
        ):
            raise StaleError(event_id, event.version)
        return _update_event(session, event_id, item, choices=choices, by=by)


def _update_event(
    session: Session, event_id: int, item: EventCreate, *, choices: Choices | None, by: str
) -> EventChange | None:
    from tracker.store.events import get_event

    before = get_event(session, event_id)
    event = session.get(ContactEvent, event_id)
    if before is None or event is None:
        raise LookupError(f"no event {event_id}")
    plan = plan_events(
        session,
        [item],
        choices=replace(choices or Choices(), separate=True),
        batch=False,
        exclude_id=event_id,
    )
    if plan.problems:
        raise plan.problems[0]
    [p] = plan.items
    moved_from = (event.lane_key, event.pair_key)
    with transaction(session):
        officials, _posts, touched = _create_identities(session, plan, choices or Choices())
        a = session.get(Official, officials.get(p.official_a, p.official_a))
        b = session.get(Official, officials.get(p.official_b, p.official_b))
        assert a is not None and b is not None and a.id is not None and b.id is not None
        for name in EventBase.model_fields:
            setattr(event, name, getattr(item, name))
        event.official_a_id, event.official_b_id = a.id, b.id
        event.pair_key = person_pair_key(a.id, b.id)
        initiator = {name_key(a.name): a, name_key(b.name): b}.get(name_key(item.initiated_by))
        event.initiated_by_id = initiator.id if initiator else None
        event.earliest, event.latest = p.earliest, p.latest
        event.mid = analysis.middle(p.earliest, p.latest)
        lane = registry(session).book.lane(_SidedItem(a.id, b.id, item, a.country, b.country))
        event.post_a_id, event.post_b_id, event.lane_key = lane.post_a_id, lane.post_b_id, lane.key
        after = _stored_text(item, a, b)
        old = _snapshot(before)
        diff = {k: [old[k], after[k]] for k in EVENT_FIELDS if old[k] != after[k]}
        change = None
        if diff:
            event.updated_at = utcnow()
            event.version += 1
            change = EventChange(event_id=event_id, changed_by=actor(by), action="updated", changes=diff)
            session.add(change)
        if touched:
            recompute_lanes(session, touched, commit=False)
        session.flush()
        lanes.refresh(session, post={moved_from[0], event.lane_key}, person={moved_from[1], event.pair_key})
    return change


def _set_deleted(session: Session, event_id: int, *, deleted: bool, by: str) -> None:
    with transaction(session):
        event = session.get(ContactEvent, event_id)
        if event is None or (event.deleted_at is not None) == deleted:
            raise LookupError(f"no {'deleted ' if not deleted else ''}event {event_id}")
        event.deleted_at = utcnow() if deleted else None
        event.updated_at = utcnow()
        event.version += 1
        session.add(
            EventChange(event_id=event_id, changed_by=actor(by), action="deleted" if deleted else "restored")
        )
        session.flush()
        lanes.refresh(session, post={event.lane_key}, person={event.pair_key})


def delete_event(session: Session, event_id: int, *, by: str = "") -> None:
    """Move an event to the deleted list (it can be restored). ``LookupError`` if there is none."""
    _set_deleted(session, event_id, deleted=True, by=by)


def restore_event(session: Session, event_id: int, *, by: str = "") -> None:
    """Bring a deleted event back. ``LookupError`` if no such deleted event."""
    _set_deleted(session, event_id, deleted=False, by=by)
