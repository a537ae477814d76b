"""Bringing stored values up to date with the rules: canonical countries, date bounds, lanes.

Run by ``flask db-upgrade`` after the migrations and by ``flask recompute`` (after changing
``REPORTED_WINDOW_DAYS``, say). Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker import analysis
from tracker.countries import canonical_country
from tracker.db import transaction
from tracker.models import ContactEvent, LaneStat, Official, Post
from tracker.names import post_key
from tracker.store import lanes
from tracker.store.lanes import recompute_lanes
from tracker.store.posts import merge_posts
from tracker.store.registry import forget
from tracker.store.writes import reported_days


@dataclass(frozen=True)
class Tidied:
    """What ``tidy`` changed."""

    countries: int
    posts_merged: int
    bounds: int
    lanes: int

    def __str__(self) -> str:
        return (
            f"{self.countries} country name(s) made canonical, {self.posts_merged} post(s) merged, "
            f"{self.bounds} event date bound(s) and {self.lanes} lane(s) worked out"
        )


def tidy(session: Session, *, all_bounds: bool = False) -> Tidied:
    """Make every stored country canonical (merging posts that then name one office), fill in
    missing date bounds (all of them with ``all_bounds``), and bring every lane up to date."""
    countries = 0
    with transaction(session):
        for official in session.exec(select(Official)).all():
            canonical = canonical_country(official.country)
            if canonical != official.country:
                official.country = canonical
                countries += 1
        for post in session.exec(select(Post)).all():
            canonical = canonical_country(post.country)
            if canonical != post.country:
                post.country = canonical
                countries += 1
    merged = 0
    seen: dict[tuple[str, str], int] = {}
    for post in session.exec(select(Post).order_by(col(Post.id))).all():
        key = post_key(post.title, post.country)
        if key in seen:
            merge_posts(session, post.id or 0, seen[key])
            merged += 1
        else:
            seen[key] = post.id or 0
    forget(session)
    stmt = sa.select(
        col(ContactEvent.id),
        col(ContactEvent.date),
        col(ContactEvent.date_end),
        col(ContactEvent.date_precision),
    )
    if not all_bounds:
        stmt = stmt.where(sa.or_(col(ContactEvent.earliest).is_(None), col(ContactEvent.mid).is_(None)))
    window = reported_days()
    changes = [
        {"b_id": r[0], "lo": lo, "hi": hi, "mid": analysis.middle(lo, hi)}
        for r in session.execute(stmt).all()
        for lo, hi in [analysis.date_bounds(r[1], r[2], r[3], reported_days=window)]
    ]
    with transaction(session):
        table = ContactEvent.__table__  # type: ignore[attr-defined]
        update = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values(earliest=sa.bindparam("lo"), latest=sa.bindparam("hi"), mid=sa.bindparam("mid"))
        )
        for start in range(0, len(changes), 2000):
            session.connection().execute(update, changes[start : start + 2000])
    moved = recompute_lanes(session)
    with transaction(session):
        if changes or moved or countries or merged or all_bounds or not _stats_kept(session):
            lanes.refresh(session, post=None, person=None)
    return Tidied(countries, merged, len(changes), moved)


def _stats_kept(session: Session) -> bool:
    """Whether lane statistics are stored for the events there are (none yet after an upgrade)."""
    events = session.execute(sa.select(sa.func.count()).select_from(ContactEvent)).scalar_one()
    stats = session.execute(sa.select(sa.func.count()).select_from(LaneStat)).scalar_one()
    return bool(stats) or not events
