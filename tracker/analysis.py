"""Pure analysis of contact events: date bounds, gaps, silences and frequency.

Nothing here touches Flask or the database. Functions take any objects that carry the
fields of ``ContactLike`` (``tracker.queries.EventRow`` does) and return plain dataclasses.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import arrow

#: Half-width of an "approximate" date: the event happened within this many days either side.
APPROXIMATE_DAYS = 7
#: How far back a "reported" date reaches by default: it happened in the days up to the report.
REPORTED_DAYS = 30

HELD = "held"


class ContactLike(Protocol):
    """The fields of a contact event that analysis reads."""

    @property
    def id(self) -> int: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def date_end(self) -> dt.date | None: ...
    @property
    def date_precision(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def pair_key(self) -> str: ...


def _period(day: dt.date, precision: str, reported_days: int) -> tuple[dt.date, dt.date]:
    if precision == "reported":
        return day - dt.timedelta(days=reported_days), day
    if precision == "week":
        return day, day + dt.timedelta(days=6)
    if precision == "month":  # the calendar month (as arrow's span, without its cost per call)
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "approximate":
        delta = dt.timedelta(days=APPROXIMATE_DAYS)
        return day - delta, day + delta
    return day, day


def date_bounds(
    day: dt.date, date_end: dt.date | None, precision: str, *, reported_days: int = REPORTED_DAYS
) -> tuple[dt.date, dt.date]:
    """The earliest and latest day an event can have happened on.

    ``day`` precision is exact; ``week`` means the seven days starting at the date; ``month`` the
    whole calendar month; ``approximate`` the date give or take ``APPROXIMATE_DAYS``; ``reported``
    the ``reported_days`` before the date (a report saying it happened by then). With an end date
    the event is a span from the start of the first period to the end of the last.
    """
    earliest, latest = _period(day, precision, reported_days)
    if date_end is not None:
        latest = max(latest, _period(date_end, precision, reported_days)[1])
    return earliest, latest


def middle(earliest: dt.date, latest: dt.date) -> dt.date:
    """Where an event is drawn: its day when exact, else the middle of its possible days."""
    return earliest + (latest - earliest) / 2


def bounds_of(event: ContactLike) -> tuple[dt.date, dt.date]:
    """The earliest and latest possible day of an event: as stored with it, else ``date_bounds``."""
    earliest, latest = getattr(event, "earliest", None), getattr(event, "latest", None)
    if earliest is not None and latest is not None:
        return earliest, latest
    return date_bounds(event.date, event.date_end, event.date_precision)


def days_label(low: int, high: int) -> str:
    """'84 days' when exact, 'at least 80, at most 90 days' when not."""
    if low == high:
        return f"{low} day" if low == 1 else f"{low} days"
    return f"at least {low}, at most {high} days"


@dataclass(frozen=True, slots=True)
class Gap:
    """The silence between two consecutive held contacts of a pair.

    ``min_days`` and ``max_days`` bound its length when either end's date is uncertain;
    ``attempts`` and ``refusals`` count the other events of the pair that fell inside it.
    """

    pair_key: str
    start_id: int
    end_id: int
    start: dt.date
    end: dt.date
    min_days: int
    max_days: int
    attempts: int = 0
    refusals: int = 0

    @property
    def exact(self) -> bool:
        return self.min_days == self.max_days

    @property
    def label(self) -> str:
        return days_label(self.min_days, self.max_days)


def _sort_key(event: ContactLike) -> tuple[dt.date, int, int]:
    # On the same day an attempt comes before the contact it led to.
    return (bounds_of(event)[0], event.status == HELD, event.id)


#: An event with its order (``_sort_key``) and its latest possible day, worked out once.
_Keyed = tuple[tuple[dt.date, bool, int], dt.date, ContactLike]


def _in_order(events: Iterable[ContactLike]) -> list[_Keyed]:
    """Events in the order of ``_sort_key``, each with its key and latest possible day."""
    keyed: list[_Keyed] = []
    for event in events:
        earliest, latest = bounds_of(event)
        keyed.append(((earliest, event.status == HELD, event.id), latest, event))
    keyed.sort(key=lambda k: k[0])
    return keyed


def gaps(events: Iterable[ContactLike]) -> list[Gap]:
    """The gaps between consecutive held contacts of one pair, oldest first."""
    return _gaps(_in_order(events))


def _gaps(keyed: list[_Keyed]) -> list[Gap]:
    found: list[Gap] = []
    previous: ContactLike | None = None
    prev_lo = prev_hi = dt.date.min
    attempts = refusals = 0
    for (lo, held, _id), hi, event in keyed:
        if not held:
            attempts += event.status == "attempted"
            refusals += event.status == "refused"
            continue
        if previous is not None:
            found.append(
                Gap(
                    pair_key=event.pair_key,
                    start_id=previous.id,
                    end_id=event.id,
                    start=previous.date,
                    end=event.date,
                    min_days=max(0, (lo - prev_hi).days),
                    max_days=max(0, (hi - prev_lo).days),
                    attempts=attempts,
                    refusals=refusals,
                )
            )
        previous, prev_lo, prev_hi = event, lo, hi
        attempts = refusals = 0
    return found


@dataclass(frozen=True, slots=True)
class PairStats:
    """One pair's contacts, gaps and current silence as of ``as_of``."""

    pair_key: str
    held: int
    attempts: int
    refusals: int
    total: int
    last_contact: dt.date | None
    silence_min_days: int | None
    silence_max_days: int | None
    longest_gap: Gap | None
    median_gap_min: float | None
    median_gap_max: float | None
    gaps: tuple[Gap, ...]
    p90_gap_min: float | None = None
    p90_gap_max: float | None = None
    first_contact: dt.date | None = None
    last_event: dt.date | None = None
    attempts_since_last: int = 0
    refusals_since_last: int = 0
    #: the latest possible day of the last held contact (the current silence runs at least from it)
    silence_from: dt.date | None = None
    #: the latest day a held contact surely happened on (the silence runs at most from it)
    silence_from_certain: dt.date | None = None
    #: see ``record_gaps``
    record_gaps: tuple[tuple[dt.date, int], ...] = ()

    def as_of(self, day: dt.date) -> PairStats:
        """These statistics with the current silence measured to ``day``."""
        if self.silence_from is None or self.silence_from_certain is None:
            return self
        return replace(
            self,
            silence_min_days=max(0, (day - self.silence_from).days),
            silence_max_days=max(0, (day - self.silence_from_certain).days),
        )

    @property
    def silence_label(self) -> str:
        if self.silence_min_days is None or self.silence_max_days is None:
            return "no contact held"
        return days_label(self.silence_min_days, self.silence_max_days)

    @property
    def median_gap_label(self) -> str:
        return _range_label(self.median_gap_min, self.median_gap_max)

    @property
    def p90_gap_label(self) -> str:
        return _range_label(self.p90_gap_min, self.p90_gap_max)


def _range_label(low: float | None, high: float | None) -> str:
    """'84 days', or '80–90 days' (lower–upper bound) when the dates are uncertain."""
    if low is None or high is None:
        return "–"
    lo, hi = _fmt_days(low), _fmt_days(high)
    return f"{lo} days" if lo == hi else f"{lo}–{hi} days"


def _fmt_days(value: float) -> str:
    return f"{round(value, 1):g}"


def percentile(values: list[int], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def pair_stats(events: Iterable[ContactLike], *, as_of: dt.date) -> PairStats:
    """Statistics of one pair's events: counts, last contact, current silence, gaps."""
    items = list(events)
    if not items:
        raise ValueError("pair_stats needs at least one event")
    keyed = _in_order(items)
    held_keyed = [k for k in keyed if k[0][1]]
    held = [k[2] for k in held_keyed]
    found = _gaps(keyed)
    last = held[-1] if held else None
    silence_min = silence_max = None
    latest = latest_certain = None
    since_last: list[ContactLike] = items
    if last is not None:
        # the last contact is the latest of the held ones, whichever that turns out to be
        latest = max(hi for _key, hi, _e in held_keyed)
        latest_certain = max(key[0] for key, _hi, _e in held_keyed)
        silence_min, silence_max = max(0, (as_of - latest).days), max(0, (as_of - latest_certain).days)
        last_key = held_keyed[-1][0]
        since_last = [e for key, _hi, e in keyed if not key[1] and key > last_key]
    mins, maxs = [g.min_days for g in found], [g.max_days for g in found]
    return PairStats(
        pair_key=items[0].pair_key,
        held=len(held),
        attempts=sum(e.status == "attempted" for e in items),
        refusals=sum(e.status == "refused" for e in items),
        total=len(items),
        last_contact=last.date if last else None,
        silence_min_days=silence_min,
        silence_max_days=silence_max,
        longest_gap=max(found, key=lambda g: (g.max_days, g.min_days)) if found else None,
        median_gap_min=statistics.median(mins) if found else None,
        median_gap_max=statistics.median(maxs) if found else None,
        gaps=tuple(found),
        p90_gap_min=percentile(mins, 90),
        p90_gap_max=percentile(maxs, 90),
        first_contact=held[0].date if held else None,
        last_event=max(e.date for e in items),
        attempts_since_last=sum(e.status == "attempted" for e in since_last),
        refusals_since_last=sum(e.status == "refused" for e in since_last),
        silence_from=latest if last is not None else None,
        silence_from_certain=latest_certain if last is not None else None,
        record_gaps=record_gaps(found),
    )


def by_pair(events: Iterable[ContactLike]) -> dict[str, list[ContactLike]]:
    """Events grouped by pair, each group in date order, groups in order of first appearance."""
    groups: dict[str, list[ContactLike]] = defaultdict(list)
    for event in events:
        groups[event.pair_key].append(event)
    return {key: sorted(group, key=_sort_key) for key, group in groups.items()}


def all_pair_stats(events: Iterable[ContactLike], *, as_of: dt.date) -> list[PairStats]:
    """``pair_stats`` for every pair, the most recently active pair first."""
    stats = [pair_stats(group, as_of=as_of) for group in by_pair(events).values()]
    return sorted(stats, key=lambda s: (s.last_contact or dt.date.min, s.pair_key), reverse=True)


PERIODS = ("month", "quarter", "year")


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the month, quarter or year that ``day`` falls in."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def _series(
    events: Iterable[ContactLike], period: str, group: Callable[[ContactLike], str]
) -> tuple[list[dt.date], dict[str, list[int]]]:
    counts: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for event in events:
        counts[group(event)][period_start(event.date, period)] += 1
    if not counts:
        return [], {}
    first = min(min(c) for c in counts.values())
    last = max(max(c) for c in counts.values())
    frames = arrow.Arrow.range(period, arrow.Arrow.fromdate(first), arrow.Arrow.fromdate(last))  # type: ignore[arg-type]
    starts = [a.date() for a in frames]
    return starts, {key: [c.get(s, 0) for s in starts] for key, c in counts.items()}


def frequency(
    events: Iterable[ContactLike], *, period: str = "month", status: str = HELD
) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Counts of events with ``status`` per period and pair, zero-filled between first and last.

    Returns the period starts and, per pair, one count per period. An event counts in the
    period its date falls in.
    """
    return _series((e for e in events if e.status == status), period, lambda e: e.pair_key)


def frequency_by_status(
    events: Iterable[ContactLike], *, period: str = "month"
) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Counts of events per period and status (held, attempted, refused, unknown), zero-filled."""
    starts, series = _series(events, period, lambda e: e.status)
    order = ("held", "attempted", "refused", "unknown")
    return starts, {k: series[k] for k in sorted(series, key=lambda k: order.index(k) if k in order else 9)}


# Silence alerts --------------------------------------------------------------------------

LEVELS = ("alarm", "warn", "ok", "none", "archived")
#: What each alert level is called on the pages and in the API.
LEVEL_LABELS = {
    "alarm": "Alarm",
    "warn": "Warning",
    "ok": "Normal",
    "none": "No baseline",
    "archived": "Archived",
}
DEFAULT_WARN_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class Alert:
    """How alarming a pair's current silence is against its own history, and why."""

    level: str  # alarm, warn, ok, none, archived
    reason: str
    #: the day the pair entered this level (alarm and warning: the day the silence passed the threshold)
    since: dt.date | None = None

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


def alert(
    stats: PairStats, *, warn_factor: float = DEFAULT_WARN_FACTOR, alarm_days: int | None = None
) -> Alert:
    """The alert level of a pair's current silence.

    Warn when the silence passes ``warn_factor`` × the median gap; alarm when it passes the
    longest gap on record (or ``alarm_days`` when set). The silence is compared by its lower
    bound and the thresholds by their upper bounds, so an alert is never raised on a guess.
    """
    silence = stats.silence_min_days
    if silence is None:
        return Alert("none", "no held contact yet")
    longest = stats.longest_gap

    def passed(threshold: float) -> dt.date | None:
        # the first day the silence (lower bound) was over the threshold
        if stats.silence_from is None:
            return None
        return stats.silence_from + dt.timedelta(days=math.floor(threshold) + 1)

    if alarm_days is not None and silence > alarm_days:
        return Alert(
            "alarm",
            f"silent at least {silence} days, past the alarm threshold of {alarm_days} days",
            passed(alarm_days),
        )
    if alarm_days is None and longest is not None and silence > longest.max_days:
        return Alert(
            "alarm",
            f"silent at least {silence} days, longer than the longest gap on record ({longest.label})",
            passed(longest.max_days),
        )
    if stats.median_gap_max is not None:
        threshold = warn_factor * stats.median_gap_max
        if silence > threshold:
            return Alert(
                "warn",
                f"silent at least {silence} days, past {warn_factor:g} × the median gap "
                f"({_fmt_days(stats.median_gap_max)} days, upper bound)",
                passed(threshold),
            )
        return Alert(
            "ok", f"within {warn_factor:g} × the median gap ({_fmt_days(stats.median_gap_max)} days)"
        )
    if alarm_days is not None:
        return Alert("ok", f"below the alarm threshold of {alarm_days} days")
    return Alert("none", "one held contact so far: no gap to compare with")


def record_gaps(found: Sequence[Gap]) -> tuple[tuple[dt.date, int], ...]:
    """(end, max days) of the gaps longer than every later one, latest first.

    Enough to tell, for any silence, the latest gap at least as long (``silence_callout``)
    without keeping every gap.
    """
    records: list[tuple[dt.date, int]] = []
    for g in reversed(found):
        if not records or g.max_days > records[-1][1]:
            records.append((g.end, g.max_days))
    return tuple(records)


def silence_callout(stats: PairStats) -> str:
    """'the longest silence since 2019' (or 'on record') when the current silence is notable; else ''."""
    silence = stats.silence_min_days
    if silence is None or not stats.record_gaps:
        return ""
    latest_longer = next((record for record in stats.record_gaps if record[1] >= silence), None)
    if latest_longer is None:
        since = stats.first_contact.year if stats.first_contact else None
        return f"the longest silence on record (contacts since {since})"
    if latest_longer is stats.record_gaps[0]:
        return ""
    return f"the longest silence since {latest_longer[0].year}"


# Personnel changes on a post pair -------------------------------------------------------


class HolderLike(ContactLike, Protocol):
    """What holder changes read of an event: each side's person, country and post."""

    @property
    def official_a_id(self) -> int: ...
    @property
    def official_b_id(self) -> int: ...
    @property
    def official_a(self) -> str: ...
    @property
    def official_b(self) -> str: ...
    @property
    def country_a(self) -> str: ...
    @property
    def country_b(self) -> str: ...
    @property
    def post_a_id(self) -> int | None: ...
    @property
    def post_b_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class HolderChange:
    """A change of who speaks for one or both sides of a post pair's lane.

    ``date`` is when the new holders took over: the start of their recorded tenure where there
    is one, else the first event with them (``seen``). ``sides`` holds, per side that changed,
    its country, the old holder and the new one (as a change of holder names them).
    """

    pair_key: str
    date: dt.date
    sides: tuple[tuple[str, str, str], ...]
    seen: dt.date

    @property
    def label(self) -> str:
        return "; ".join(f"{_country_short(c)}: {old} → {new}" for c, old, new in self.sides)


def _country_short(country: str) -> str:
    return {"United States": "US", "United Kingdom": "UK"}.get(country, country)


#: When a person took over a post: (official id, post id, seen on) -> the tenure's start, or None.
TenureStarts = Callable[[int, int, dt.date], dt.date | None]


def holder_changes(events: Iterable[HolderLike], starts: TenureStarts | None = None) -> list[HolderChange]:
    """Where a side of a lane of posts has a new holder, per lane in date order, labelled per side."""
    from tracker.names import short_name

    changes: list[HolderChange] = []
    for key, group in by_pair(events).items():
        holders: dict[int, tuple[int, str, dt.date, str]] = {}
        for event in group:
            e: HolderLike = event  # type: ignore[assignment]
            changed: list[tuple[str, str, str]] = []
            took_over: list[dt.date] = []
            for post_id, official_id, name, country in (
                (e.post_a_id, e.official_a_id, e.official_a, e.country_a),
                (e.post_b_id, e.official_b_id, e.official_b, e.country_b),
            ):
                if post_id is None:
                    continue
                previous = holders.get(post_id)
                if previous is not None and previous[0] != official_id:
                    changed.append((country, short_name(previous[1], previous[3]), short_name(name, country)))
                    start = starts(official_id, post_id, e.date) if starts else None
                    if start is not None and previous[2] < start <= e.date:
                        took_over.append(start)
                holders[post_id] = (official_id, name, e.date, country)
            if changed:
                changes.append(
                    HolderChange(key, min(took_over) if took_over else e.date, tuple(sorted(changed)), e.date)
                )
    return changes


# Response to context events ---------------------------------------------------------------


def concerns(countries: str, pair_countries: Iterable[str]) -> bool:
    """Whether a context event naming ``countries`` ("A|B"; empty: every pair) concerns a pair of these countries."""
    named = {c for c in countries.split("|") if c}
    return not named or bool(named & set(pair_countries))


def response_days(context_date: dt.date, events: Iterable[ContactLike]) -> tuple[int, int] | None:
    """Days from a context event to a pair's first held contact after it (bounds), or None."""
    after = [bounds_of(e) for e in events if e.status == HELD and bounds_of(e)[1] > context_date]
    if not after:
        return None
    earliest = min(max(lo, context_date + dt.timedelta(days=1)) for lo, _ in after)
    certain = [hi for lo, hi in after if lo > context_date]
    latest = min(certain) if certain else max(hi for _, hi in after)
    return (earliest - context_date).days, (latest - context_date).days
