"""Pure analysis of contact events: date bounds, gaps, silences and frequency.

Nothing here touches Flask or the database. Functions take any objects that carry the
fields of ``ContactLike`` (``tracker.queries.EventRow`` does) and return plain dataclasses.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import arrow

#: Half-width of an "approximate" date: the event happened within this many days either side.
APPROXIMATE_DAYS = 7

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


def _period(day: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    if precision == "week":
        return day, day + dt.timedelta(days=6)
    if precision == "month":
        span = arrow.Arrow.fromdate(day).span("month")
        return span[0].date(), span[1].date()
    if precision == "approximate":
        delta = dt.timedelta(days=APPROXIMATE_DAYS)
        return day - delta, day + delta
    return day, day


def date_bounds(day: dt.date, date_end: dt.date | None, precision: str) -> tuple[dt.date, dt.date]:
    """The earliest and latest day an event can have happened on.

    ``day`` precision is exact; ``week`` means the seven days starting at the date; ``month`` the
    whole calendar month; ``approximate`` the date give or take ``APPROXIMATE_DAYS``. With an end
    date the event is a span from the start of the first period to the end of the last.
    """
    earliest, latest = _period(day, precision)
    if date_end is not None:
        latest = max(latest, _period(date_end, precision)[1])
    return earliest, latest


def bounds_of(event: ContactLike) -> tuple[dt.date, dt.date]:
    """``date_bounds`` of an event."""
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


def gaps(events: Iterable[ContactLike]) -> list[Gap]:
    """The gaps between consecutive held contacts of one pair, oldest first."""
    found: list[Gap] = []
    previous: ContactLike | None = None
    attempts = refusals = 0
    for event in sorted(events, key=_sort_key):
        if event.status != HELD:
            attempts += event.status == "attempted"
            refusals += event.status == "refused"
            continue
        if previous is not None:
            prev_lo, prev_hi = bounds_of(previous)
            lo, hi = bounds_of(event)
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
        previous = event
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

    @property
    def silence_label(self) -> str:
        if self.silence_min_days is None or self.silence_max_days is None:
            return "no contact held"
        return days_label(self.silence_min_days, self.silence_max_days)

    @property
    def median_gap_label(self) -> str:
        if self.median_gap_min is None or self.median_gap_max is None:
            return "–"
        low, high = _fmt_days(self.median_gap_min), _fmt_days(self.median_gap_max)
        return f"{low} days" if low == high else f"{low}–{high} days"


def _fmt_days(value: float) -> str:
    return f"{value:g}"


def pair_stats(events: Iterable[ContactLike], *, as_of: dt.date) -> PairStats:
    """Statistics of one pair's events: counts, last contact, current silence, gaps."""
    items = list(events)
    if not items:
        raise ValueError("pair_stats needs at least one event")
    held = [e for e in items if e.status == HELD]
    found = gaps(items)
    last = max(held, key=_sort_key) if held else None
    silence_min = silence_max = None
    if last is not None:
        lo, hi = bounds_of(last)
        silence_min, silence_max = max(0, (as_of - hi).days), max(0, (as_of - lo).days)
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
        median_gap_min=statistics.median(g.min_days for g in found) if found else None,
        median_gap_max=statistics.median(g.max_days for g in found) if found else None,
        gaps=tuple(found),
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
    return arrow.Arrow.fromdate(day).floor(period).date()  # type: ignore[arg-type]


def frequency(
    events: Iterable[ContactLike], *, period: str = "month", status: str = HELD
) -> tuple[list[dt.date], dict[str, list[int]]]:
    """Counts of events with ``status`` per period and pair, zero-filled between first and last.

    Returns the period starts and, per pair, one count per period. An event counts in the
    period its date falls in.
    """
    counts: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for event in events:
        if event.status == status:
            counts[event.pair_key][period_start(event.date, period)] += 1
    if not counts:
        return [], {}
    first = min(min(c) for c in counts.values())
    last = max(max(c) for c in counts.values())
    frames = arrow.Arrow.range(period, arrow.Arrow.fromdate(first), arrow.Arrow.fromdate(last))  # type: ignore[arg-type]
    starts = [a.date() for a in frames]
    return starts, {key: [c.get(s, 0) for s in starts] for key, c in counts.items()}
