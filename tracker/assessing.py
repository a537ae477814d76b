"""Pure: months, the suggested monthly assessment of a line, overdue rounds, unobserved periods.

Nothing here touches Flask or the database. ``suggest`` takes what a month held for a line (its
contacts, attempts, refusals, the gaps it ended and the changes of alert level recorded in it)
and the line's usual rhythm, and proposes an arrow with the reason for it; an editor accepts or
edits it. ``overdue`` says whether a standing dialogue's round is past its due date;
``unobserved_overlap`` which unobserved periods a stretch of days overlaps.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.analysis import LEVEL_LABELS, days_label

#: Days in an average month (365.25 / 12): a median gap of 30 days is about one contact a month.
MONTH_DAYS = 30.44
#: Levels from the most to the least alarming; "none" (no baseline) and "archived" say nothing either way.
_RANKED = ("alarm", "warn", "ok")


# Months ------------------------------------------------------------------------------------------


def month_of(day: dt.date) -> str:
    """The month a day falls in, as ``YYYY-MM``."""
    return f"{day.year:04d}-{day.month:02d}"


def month_span(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a ``YYYY-MM`` month."""
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def shift_month(month: str, months: int) -> str:
    """The month ``months`` after (or before, when negative) ``month``."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(month: str) -> str:
    """'November 2026'."""
    return f"{calendar.month_name[int(month[5:7])]} {month[:4]}"


# The suggestion -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelChange:
    """A change of alert level recorded in the month (from the state log)."""

    day: dt.date
    level_from: str
    level_to: str
    #: the lane it happened on (a dyad's month gathers the changes of its lanes), and its name when
    #: the words should say which lane it was
    line: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class EndedGap:
    """A gap that a held contact of the month ended: its length (upper bound, days), its lane's median gap."""

    days: int
    median: float | None
    label: str = ""


@dataclass(frozen=True, slots=True)
class MonthFacts:
    """What a month held for one line, and the line's usual rhythm, as the suggestion reads them.

    ``median_gap`` is the line's median gap in days (the middle of its bounds), or None with fewer
    than two held contacts (for a dyad, the gap that gives its lanes' rates together); ``ended_gaps``
    the gaps that a held contact of the month ended, each against its own lane's median; ``unobserved`` the notes of unobserved periods overlapping the month;
    ``overdue`` a round of its expected schedule that fell due in the month and was not held.
    """

    month: str
    held: int
    attempts: int
    refusals: int
    median_gap: float | None
    ended_gaps: tuple[EndedGap, ...] = ()
    level_changes: tuple[LevelChange, ...] = ()
    unobserved: tuple[str, ...] = ()
    overdue: str = ""

    @property
    def usual_per_month(self) -> float | None:
        """Held contacts a month at the line's usual rhythm (from its median gap), or None."""
        if self.median_gap is None:
            return None
        return MONTH_DAYS / max(self.median_gap, 1.0)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed arrow and the one-line reason for it."""

    arrow: str
    reason: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _rate(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value >= 0.1 else "under 0.1"


def _lane_level_signal(changes: Sequence[LevelChange]) -> tuple[int, str]:
    """+1 when a lane ended the month at a less alarming level than it began, -1 when more, with the words."""
    ranked = [c for c in changes if c.level_to in _RANKED or c.level_from in _RANKED]
    if not ranked:
        return 0, ""
    first, last = ranked[0], ranked[-1]
    start, end = first.level_from, last.level_to
    where = f"{last.label}: " if last.label else ""
    if start not in _RANKED or end not in _RANKED or start == end:
        if end in ("alarm", "warn") and start not in _RANKED:
            return -1, f"{where}entered {LEVEL_LABELS[end].lower()} on {last.day.isoformat()}"
        return 0, ""
    words = f"{LEVEL_LABELS[start].lower()} → {LEVEL_LABELS[end].lower()} on {last.day.isoformat()}"
    return (1 if _RANKED.index(end) > _RANKED.index(start) else -1), f"{where}alert {words}"


def _level_signal(changes: Sequence[LevelChange]) -> tuple[int, str]:
    """The lanes' changes of level in the month, summed: better (+1), worse (-1) or neither, with the words."""
    lanes: dict[str, list[LevelChange]] = {}
    for change in changes:
        lanes.setdefault(change.line, []).append(change)
    found = [_lane_level_signal(group) for group in lanes.values()]
    score = sum(s for s, _ in found)
    words = "; ".join(w for s, w in found if s)
    return (1 if score > 0 else -1 if score < 0 else 0), words


def suggest(facts: MonthFacts, *, limit: int = 200) -> Suggestion:
    """The arrow the data suggests for a line's month, with a reason line of at most ``limit`` characters.

    Signals, each +1 (better) or -1 (worse): the alert level at the month's end against its start
    (state log); a held contact that ended a silence longer than twice the median gap (+1); held
    contacts at least twice the usual rate (+1); refusals, or attempts only, with no contact held (-1);
    a scheduled round that fell due and was not held (-1). Their sum gives the arrow; with no signal,
    or signals that cancel out, it is "unchanged". An unobserved period is said, and weakens a
    "deteriorated" to "unchanged" when nothing but silence speaks for it.
    """
    signals: list[tuple[int, str]] = []
    usual = facts.usual_per_month
    level, level_words = _level_signal(facts.level_changes)
    if level:
        signals.append((level, level_words))
    long = [g for g in facts.ended_gaps if g.median is not None and g.days > 2 * g.median]
    if facts.held and long:
        gap = max(long, key=lambda g: g.days)
        where = f"{gap.label}: " if gap.label else ""
        signals.append(
            (
                1,
                f"{where}a held contact ended a silence of {days_label(gap.days, gap.days)} (median gap {gap.median:g})",
            )
        )
    if usual is not None and facts.held >= 2 and facts.held >= 2 * usual:
        signals.append((1, f"{_plural(facts.held, 'held contact')}, above the usual {_rate(usual)} a month"))
    if not facts.held and facts.refusals:
        signals.append((-1, f"{_plural(facts.refusals, 'refusal')} and no contact held"))
    elif not facts.held and facts.attempts:
        signals.append((-1, f"{_plural(facts.attempts, 'unanswered attempt')} and no contact held"))
    if facts.overdue:
        signals.append((-1, facts.overdue))
    score = sum(s for s, _ in signals)
    arrow = "improved" if score > 0 else "deteriorated" if score < 0 else "unchanged"
    words = [w for _, w in signals]
    if not words:
        if facts.held:
            usual_words = f", about the usual {_rate(usual)} a month" if usual is not None else ""
            words.append(f"{_plural(facts.held, 'held contact')}{usual_words}")
        elif usual is not None and usual < 1:
            words.append(f"no contact held, as usual at about {_rate(usual)} a month")
        else:
            words.append("no contact, attempt or refusal recorded")
        if facts.held and facts.ended_gaps:
            gap = max(facts.ended_gaps, key=lambda g: g.days)
            median = f", median gap {gap.median:g}" if gap.median is not None else ""
            words.append(f"ended a silence of {days_label(gap.days, gap.days)}{median}")
        if facts.held and (facts.attempts or facts.refusals):
            words.append(f"{_plural(facts.attempts, 'attempt')}, {_plural(facts.refusals, 'refusal')}")
    elif score == 0 and len(signals) > 1:
        words.insert(0, "mixed")
    if facts.unobserved:
        if arrow == "deteriorated" and not facts.held and level <= 0 and not facts.refusals:
            arrow = "unchanged"
        words.append(f"partly unobserved ({'; '.join(facts.unobserved)})")
    reason = "; ".join(words)
    reason = reason[0].upper() + reason[1:]
    if len(reason) > limit:
        reason = reason[: limit - 1].rstrip() + "…"
    return Suggestion(arrow, reason)


# Expected schedules ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Schedule:
    """A standing dialogue's expected rhythm: every ``interval_days``, or yearly by the end of ``due_month``."""

    kind: str
    interval_days: int | None = None
    due_month: int | None = None
    note: str = ""

    @property
    def label(self) -> str:
        if self.kind == "interval":
            return f"every {self.interval_days} days"
        return f"yearly, by the end of {calendar.month_name[self.due_month or 12]}"


@dataclass(frozen=True, slots=True)
class Overdue:
    """A round not held by its due date: when it fell due, and the words for it."""

    due: dt.date
    days: int
    schedule: Schedule

    @property
    def label(self) -> str:
        return f"round overdue: due by {self.due.isoformat()} ({self.schedule.label}), {_plural(self.days, 'day')} late"


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def due_date(schedule: Schedule, last_round: dt.date | None, as_of: dt.date) -> dt.date | None:
    """The day the round now expected was due by (it may lie ahead), or None without a baseline.

    Every N days: N days after the latest possible day of the last held contact (none held: no
    baseline). Yearly: the end of the due month of the latest year whose round is not yet held
    (a round counts for the year it falls in, or for the year before when held late, before the
    next due date).
    """
    if schedule.kind == "interval":
        if last_round is None or not schedule.interval_days:
            return None
        return last_round + dt.timedelta(days=schedule.interval_days)
    month = schedule.due_month or 12
    due = _end_of_month(as_of.year, month)
    if due >= as_of:  # this year's round is not yet due: last year's is the one that can be late
        due = _end_of_month(as_of.year - 1, month)
    if last_round is not None and last_round >= dt.date(due.year, 1, 1):
        return _end_of_month(due.year + 1, month)  # that round was held: the next one is expected
    return due


def overdue(schedule: Schedule | None, last_round: dt.date | None, as_of: dt.date) -> Overdue | None:
    """The round past its due date as of ``as_of``, or None (no schedule, not yet due, or held).

    ``last_round`` is the latest possible day of the last held contact, so a round that may have
    happened in time is never called late.
    """
    if schedule is None:
        return None
    due = due_date(schedule, last_round, as_of)
    if due is None or as_of <= due:
        return None
    return Overdue(due, (as_of - due).days, schedule)


# Unobserved periods ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of days when a line's contacts were not observable (``end`` None: still running)."""

    start: dt.date
    end: dt.date | None
    note: str

    @property
    def label(self) -> str:
        until = self.end.isoformat() if self.end else "now"
        return f"{self.start.isoformat()} → {until}: {self.note}"


def unobserved_overlap(periods: Iterable[Period], start: dt.date, end: dt.date) -> list[Period]:
    """The periods that overlap the days from ``start`` to ``end`` (inclusive)."""
    return [p for p in periods if p.start <= end and (p.end is None or p.end >= start)]


def unobserved_days(periods: Iterable[Period], start: dt.date, end: dt.date) -> int:
    """How many of the days from ``start`` to ``end`` fall in some unobserved period."""
    covered: set[dt.date] = set()
    for p in unobserved_overlap(periods, start, end):
        first, last = max(p.start, start), min(p.end or end, end)
        covered.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return len(covered)


def unobserved_words(periods: Sequence[Period], start: dt.date, end: dt.date) -> str:
    """'silence partly unobserved (12 of 90 days: a side stopped disclosing contacts)', or ''."""
    found = unobserved_overlap(periods, start, end)
    if not found:
        return ""
    days = unobserved_days(found, start, end)
    total = max(1, (end - start).days + 1)
    notes = "; ".join(dict.fromkeys(p.note for p in found))
    return f"silence partly unobserved ({days} of {total} days: {notes})"
