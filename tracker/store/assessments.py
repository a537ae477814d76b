"""Monthly assessments of lines: one per line and month, signed; what a month held for a line (the suggestion's facts).

A line is a lane (a post pair "p1-p2", or a person pair "3:4") or a dyad ("dyad:United States –
Russia", every post lane of the two countries). Saving an assessment of a line and month that
already has one updates it; every write is recorded in the audit log with its changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker import assessing
from tracker.db import transaction
from tracker.models import AlertChange, Assessment, AssessmentCreate, ContactEvent, LaneGap, LaneStat, utcnow
from tracker.posts import is_pair_key, is_post_pair_key
from tracker.store import alerts, lanes, rhythms
from tracker.store.registry import actor, audit, registry

DYAD_PREFIX = "dyad:"


@dataclass(frozen=True, slots=True)
class Line:
    """A line that can be assessed: its key, label, the lanes it covers and their mode."""

    key: str
    label: str
    mode: str
    lanes: tuple[str, ...]

    @property
    def is_dyad(self) -> bool:
        return self.key.startswith(DYAD_PREFIX)


def dyad_line(dyad: str) -> str:
    """The line key of a dyad."""
    return DYAD_PREFIX + dyad


def find_line(session: Session, key: str) -> Line | None:
    """The line ``key`` names, or None when no lane (or no lane of that dyad) is recorded."""
    if key.startswith(DYAD_PREFIX):
        dyad = key.removeprefix(DYAD_PREFIX)
        stmt = sa.select(col(LaneStat.key)).where(col(LaneStat.mode) == "post", col(LaneStat.dyad) == dyad)
        keys = tuple(sorted(session.execute(stmt).scalars()))
        return Line(key, dyad, "post", keys) if keys else None
    if not is_pair_key(key):
        return None
    mode = "post" if is_post_pair_key(key) else "person"
    if session.get(LaneStat, (mode, key)) is None:
        return None
    return Line(key, registry(session).label(key), mode, (key,))


def lines(session: Session) -> list[Line]:
    """Every post lane on the board (archived ones left out) and every dyad of them, dyads first, then by label."""
    reg = registry(session)
    settings = alerts.pair_alerts(session)
    stored = [
        lane
        for lane in lanes.lane_stats(session, "post")
        if lane.key not in settings or settings[lane.key].archived_at is None
    ]
    dyads: dict[str, list[str]] = {}
    for lane in stored:
        dyads.setdefault(lane.dyad, []).append(lane.key)
    found = [Line(dyad_line(d), d, "post", tuple(sorted(keys))) for d, keys in dyads.items()]
    found.sort(key=lambda line: line.label)
    return found + sorted(
        (Line(lane.key, reg.label(lane.key), "post", (lane.key,)) for lane in stored), key=lambda x: x.label
    )


# Reading ---------------------------------------------------------------------------------------


def get_assessment(session: Session, line: str, month: str) -> Assessment | None:
    """The assessment of a line for a month, or None."""
    stmt = select(Assessment).where(Assessment.line == line, Assessment.month == month)
    return session.exec(stmt).first()


def list_month(session: Session, month: str) -> list[Assessment]:
    """Every assessment of a month: dyads first, then by label."""
    stmt = select(Assessment).where(Assessment.month == month)
    found = list(session.exec(stmt))
    return sorted(found, key=lambda a: (not a.line.startswith(DYAD_PREFIX), a.label, a.line))


def list_line(session: Session, line: str) -> list[Assessment]:
    """A line's assessments, the latest month first."""
    stmt = select(Assessment).where(Assessment.line == line).order_by(col(Assessment.month).desc())
    return list(session.exec(stmt))


def months(session: Session) -> list[tuple[str, int]]:
    """Every month with assessments and how many, the latest first."""
    stmt = (
        sa.select(col(Assessment.month), sa.func.count())
        .group_by(col(Assessment.month))
        .order_by(col(Assessment.month).desc())
    )
    return [(month, int(n)) for month, n in session.execute(stmt)]


def recent(session: Session, *, limit: int = 100, lines: Collection[str] | None = None) -> list[Assessment]:
    """The assessments written last, the latest first (of ``lines`` only, when given)."""
    stmt = (
        select(Assessment).order_by(col(Assessment.updated_at).desc(), col(Assessment.id).desc()).limit(limit)
    )
    if lines is not None:
        stmt = stmt.where(col(Assessment.line).in_(sorted(lines)))
    return list(session.exec(stmt))


# Writing ---------------------------------------------------------------------------------------

_AUDITED = ("arrow", "reason", "notes", "signed_by")


def save_assessment(
    session: Session, item: AssessmentCreate, *, label: str, suggestion: assessing.Suggestion, by: str = ""
) -> tuple[Assessment, bool]:
    """Store the assessment of a line and month (updating the one it has); returns it and whether it is new."""
    signer = actor(by)
    with transaction(session):
        found = get_assessment(session, item.line, item.month)
        created = found is None
        row = found or Assessment(line=item.line, month=item.month, arrow=item.arrow, reason=item.reason)
        before = {name: getattr(row, name) for name in _AUDITED} if not created else {}
        row.label = label[:500]
        row.arrow, row.reason, row.notes, row.signed_by = item.arrow, item.reason, item.notes, signer
        row.suggested_arrow, row.suggested_reason = suggestion.arrow, suggestion.reason
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        after = {name: getattr(row, name) for name in _AUDITED}
        changes = {k: [before.get(k, ""), v] for k, v in after.items() if before.get(k, "") != v}
        if created or changes:
            audit(
                session,
                "assessment",
                row.id,
                "created" if created else "updated",
                f"{item.month} {label}: {item.arrow} ({item.reason})",
                {"line": item.line, "month": item.month, **changes},
                by=signer,
            )
    return row, created


# What a month held for a line --------------------------------------------------------------------


def _lane_column(mode: str) -> Any:
    """The column that keys an event's lane of ``mode``."""
    return col(ContactEvent.lane_key) if mode == "post" else col(ContactEvent.pair_key)


def _median(stats: Sequence[lanes.StoredLane]) -> float | None:
    """The line's median gap: a lane's own, or for several lanes the gap that gives their summed rate."""
    rates = [
        assessing.MONTH_DAYS / max(1.0, (s.stats.median_gap_min + s.stats.median_gap_max) / 2)
        for s in stats
        if s.stats.median_gap_min is not None and s.stats.median_gap_max is not None
    ]
    if not rates:
        return None
    return round(assessing.MONTH_DAYS / sum(rates), 1)


def month_facts(session: Session, line: Line, month: str) -> assessing.MonthFacts:
    """What ``month`` held for ``line``: contacts, attempts, refusals, gaps ended, level changes, blind spots."""
    start, end = assessing.month_span(month)
    keys = list(line.lanes)
    key_col = _lane_column(line.mode)
    counts = dict(
        session.execute(
            sa.select(col(ContactEvent.status), sa.func.count())
            .where(
                key_col.in_(keys),
                col(ContactEvent.deleted_at).is_(None),
                col(ContactEvent.date) >= start,
                col(ContactEvent.date) <= end,
            )
            .group_by(col(ContactEvent.status))
        ).all()
    )
    ended = session.execute(
        sa.select(col(LaneGap.key), col(LaneGap.max_days)).where(
            col(LaneGap.mode) == line.mode,
            col(LaneGap.key).in_(keys),
            col(LaneGap.end) >= start,
            col(LaneGap.end) <= end,
        )
    ).all()
    day = sa.func.coalesce(col(AlertChange.since), col(AlertChange.as_of))
    changes = session.exec(
        select(AlertChange)
        .where(col(AlertChange.mode) == line.mode, col(AlertChange.key).in_(keys), day >= start, day <= end)
        .order_by(col(AlertChange.id))
    )
    reg = registry(session)
    # a dyad's words say which of its lanes
    named = (lambda key: reg.label(key)) if line.is_dyad else (lambda key: "")
    level_changes = tuple(
        assessing.LevelChange(c.since or c.as_of, c.level_from, c.level_to, c.key, named(c.key))
        for c in changes
    )
    stored = lanes.lane_stats(session, line.mode, keys)
    medians = {s.key: _median([s]) for s in stored}
    every_period = rhythms.periods(session)
    unobserved = tuple(
        dict.fromkeys(
            p.note
            for key in keys
            for p in assessing.unobserved_overlap(every_period.get(key, []), start, end)
        )
    )
    return assessing.MonthFacts(
        month=month,
        held=int(counts.get("held", 0)),
        attempts=int(counts.get("attempted", 0)),
        refusals=int(counts.get("refused", 0)),
        median_gap=_median(stored),
        ended_gaps=tuple(assessing.EndedGap(int(days), medians.get(key), named(key)) for key, days in ended),
        level_changes=level_changes,
        unobserved=unobserved,
        overdue=_overdue_in(session, line, start, end),
    )


def _overdue_in(session: Session, line: Line, start: dt.date, end: dt.date) -> str:
    """The words for a scheduled round of the line's lanes that fell due in the month and was not held by its end."""
    every = rhythms.schedules(session)
    found = []
    for key in line.lanes:
        schedule = every.get(key)
        if schedule is None:
            continue
        last = session.execute(
            sa.select(sa.func.max(col(ContactEvent.latest))).where(
                _lane_column(line.mode) == key,
                col(ContactEvent.deleted_at).is_(None),
                col(ContactEvent.status) == "held",
                col(ContactEvent.earliest) <= end,
            )
        ).scalar()
        late = assessing.overdue(schedule, min(last, end) if last else None, end)
        # it fell overdue in the month: the day after its due date lies in it
        if late is not None and start <= late.due + dt.timedelta(days=1) <= end:
            found.append(late.label)
    return "; ".join(found)


def suggestion(session: Session, line: Line, month: str) -> assessing.Suggestion:
    """The tracker's suggested assessment of a line's month."""
    return assessing.suggest(month_facts(session, line, month))
