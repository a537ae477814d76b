"""The status board: every lane with its statistics and alert level as of a day.

Without filters the board reads the statistics stored per lane (``tracker.store.lanes``): a few
rows, however many events there are. With filters it works them out from the filtered events.
Pages, the API and the alert commands all read the board from here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session

from tracker import analysis, assessing
from tracker.countries import dyad_label
from tracker.filters import EventFilter
from tracker.models import PairAlert
from tracker.store import alerts, events, lanes, rhythms
from tracker.store.events import EventRow
from tracker.store.registry import registry

#: How the board can be ordered.
ORDERS = ("alarming", "silence", "recent", "name")


@dataclass(frozen=True)
class PairRow:
    """A lane on the board: its statistics, alert, callout, thresholds, changes of holder, and rhythm.

    ``overdue`` is a round of its expected ``schedule`` not held by its due date (reported apart
    from the silence's level); ``unobserved`` the unobserved periods its current silence overlaps
    (the alert's reason then says the silence is partly unobserved).
    """

    key: str
    label: str
    dyad: str
    stats: analysis.PairStats
    alert: analysis.Alert
    callout: str
    warn_factor: float
    alarm_days: int | None
    archived: bool = False
    changes: tuple[analysis.HolderChange, ...] = field(default_factory=tuple)
    schedule: assessing.Schedule | None = None
    overdue: assessing.Overdue | None = None
    unobserved: tuple[assessing.Period, ...] = ()


@dataclass(frozen=True)
class Rhythms:
    """The pairs' expected schedules and unobserved periods, read once for a board."""

    schedules: dict[str, assessing.Schedule] = field(default_factory=dict)
    periods: dict[str, list[assessing.Period]] = field(default_factory=dict)


def read_rhythms(session: Session) -> Rhythms:
    """Every pair's expected schedule and unobserved periods."""
    return Rhythms(rhythms.schedules(session), rhythms.periods(session))


def _rhythm(
    key: str, stats: analysis.PairStats, alert: analysis.Alert, found: Rhythms, as_of: dt.date
) -> tuple[analysis.Alert, assessing.Schedule | None, assessing.Overdue | None, tuple[assessing.Period, ...]]:
    """The alert with its reason told of blind spots and a late round; the schedule, the late round, the periods."""
    schedule = found.schedules.get(key)
    late = assessing.overdue(schedule, stats.silence_from, as_of)
    periods: tuple[assessing.Period, ...] = ()
    reason = alert.reason
    silence_start = stats.silence_from_certain
    if silence_start is not None and alert.level not in ("none", "archived"):
        periods = tuple(assessing.unobserved_overlap(found.periods.get(key, []), silence_start, as_of))
        words = assessing.unobserved_words(periods, silence_start + dt.timedelta(days=1), as_of)
        if words:
            reason = f"{words}: {reason}"
    if late is not None and alert.level != "archived":
        reason = f"{reason}; {late.label}"
    return analysis.Alert(alert.level, reason, alert.since), schedule, late, periods


def _row(
    key: str,
    label: str,
    dyad: str,
    stats: analysis.PairStats,
    setting: PairAlert | None,
    changes: Sequence[analysis.HolderChange] = (),
    found: Rhythms | None = None,
    as_of: dt.date | None = None,
) -> PairRow:
    warn = setting.warn_factor if setting else analysis.DEFAULT_WARN_FACTOR
    alarm_days = setting.alarm_days if setting else None
    archived = bool(setting and setting.archived_at)
    alert = analysis.alert(stats, warn_factor=warn, alarm_days=alarm_days)
    if archived and setting is not None and setting.archived_at is not None:
        alert = analysis.Alert(
            "archived", f"archived on {setting.archived_at.date().isoformat()}: off the board", None
        )
    schedule = late = None
    periods: tuple[assessing.Period, ...] = ()
    if found is not None and as_of is not None:
        alert, schedule, late, periods = _rhythm(key, stats, alert, found, as_of)
    return PairRow(
        key=key,
        label=label,
        dyad=dyad,
        stats=stats,
        alert=alert,
        callout=analysis.silence_callout(stats),
        warn_factor=warn,
        alarm_days=alarm_days,
        archived=archived,
        changes=tuple(changes),
        schedule=schedule,
        overdue=late,
        unobserved=periods,
    )


def rows_from_events(session: Session, rows: Sequence[EventRow], *, as_of: dt.date) -> list[PairRow]:
    """The board of some events (a filtered view), worked out from them."""
    labels = {e.pair_key: e.pair_label for e in rows}
    dyads = {e.pair_key: e.dyad for e in rows}
    settings = alerts.pair_alerts(session)
    found = read_rhythms(session)
    return [
        _row(s.pair_key, labels[s.pair_key], dyads[s.pair_key], s, settings.get(s.pair_key), (), found, as_of)
        for s in analysis.all_pair_stats(rows, as_of=as_of)
    ]


def stored_rows(
    session: Session, mode: str, *, as_of: dt.date, keys: Sequence[str] | None = None
) -> list[PairRow]:
    """The board of every lane of ``mode`` (or of ``keys``), from the statistics stored per lane."""
    reg = registry(session)
    settings = alerts.pair_alerts(session)
    found = read_rhythms(session)
    return [
        _row(
            lane.key,
            reg.label(lane.key),
            lane.dyad,
            lane.stats.as_of(as_of),
            settings.get(lane.key),
            lane.changes,
            found,
            as_of,
        )
        for lane in lanes.lane_stats(session, mode, keys)
    ]


def board(
    session: Session,
    *,
    mode: str,
    as_of: dt.date,
    flt: EventFilter | None = None,
    dyad: str = "",
    level: str = "",
    archived: bool = False,
    order: str = "alarming",
) -> list[PairRow]:
    """The lanes of the board, narrowed (dyad, level, archived or not) and ordered."""
    if flt is not None and flt.active:
        rows = rows_from_events(session, events.list_events(session, flt=flt, lanes=mode), as_of=as_of)
    else:
        rows = stored_rows(session, mode, as_of=as_of)
    rows = [r for r in rows if r.archived == archived]
    if dyad:
        rows = [r for r in rows if r.dyad == dyad]
    if level:
        rows = [r for r in rows if r.alert.level == level]
    return ordered(rows, order)


def ordered(rows: Sequence[PairRow], order: str = "alarming") -> list[PairRow]:
    """``rows`` in the order asked: most alarming (default), longest silent, most recent, by name."""
    if order == "silence":
        return sorted(rows, key=lambda r: (-(r.stats.silence_min_days or -1), r.label))
    if order == "recent":
        return sorted(rows, key=lambda r: (r.stats.last_event or dt.date.min, r.label), reverse=True)
    if order == "name":
        return sorted(rows, key=lambda r: r.label)
    return sorted(rows, key=lambda r: (r.alert.rank, -(r.stats.silence_min_days or 0), r.label))


def level_counts(rows: Sequence[PairRow]) -> list[tuple[str, str, int]]:
    """(level, label, how many) for the summary line, most alarming first ("2 alarm · 0 warning · …");
    nothing when there are no rows. Archived lines are not counted."""
    if not rows:
        return []
    counts = Counter(r.alert.level for r in rows)
    return [
        (level, analysis.LEVEL_LABELS[level], counts[level])
        for level in analysis.LEVELS
        if level != "archived"
    ]


def dyads(rows: Sequence[PairRow]) -> list[str]:
    """The dyads of ``rows``, home country's first, then by name."""
    return sorted({r.dyad for r in rows}, key=lambda d: (not d.startswith("United States"), d))


def dyad_of(country_a: str, country_b: str) -> str:
    """The dyad label of two countries (as the board and the filters write it)."""
    return dyad_label(country_a, country_b)
