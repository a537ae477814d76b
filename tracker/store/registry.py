"""Who is who and who held what: the directory of officials and the post book, read once per session.

Every write to officials, aliases, posts or tenures forgets the session's copy, and
``recompute_lanes`` brings the lanes stored on events up to date with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.db import transaction
from tracker.directory import Directory, Person
from tracker.models import AuditEntry, ContactEvent, Official, OfficialAlias, Post, PostAlias, Tenure
from tracker.posts import PostBook, PostRef, Side, TenureSpan, pair_label

_KEY = "tracker.registry"


@dataclass
class Registry:
    """The directory of officials and the post book, as one session reads them."""

    directory: Directory
    book: PostBook

    def side(self, official_id: int, post_id: int | None) -> Side:
        """A side as lanes show it: the post's label, or the official's name, with the country."""
        person = self.directory.people.get(official_id)
        post = self.book.posts.get(post_id) if post_id is not None else None
        if post is not None:
            return Side(post.label, post.country)
        return Side(person.name if person else f"official {official_id}", person.country if person else "")

    def lane_label(
        self, official_a_id: int, post_a_id: int | None, official_b_id: int, post_b_id: int | None
    ) -> str:
        """The label of a lane; a lane of one post on both sides (a handover) is labelled by the persons."""
        if post_a_id is not None and post_a_id == post_b_id:
            return self.person_label(official_a_id, official_b_id)
        return pair_label(self.side(official_a_id, post_a_id), self.side(official_b_id, post_b_id))

    def person_label(self, official_a_id: int, official_b_id: int) -> str:
        """The label of a person pair, sides in the order every page shows them."""
        return pair_label(self.side(official_a_id, None), self.side(official_b_id, None))


def load_registry(session: Session) -> Registry:
    """Read every official, alias, post and tenure (no cache)."""
    people = [
        Person(*row)
        for row in session.execute(
            sa.select(col(Official.id), col(Official.name), col(Official.country), col(Official.kind))
        )
    ]
    aliases = [
        (row[0], row[1])
        for row in session.execute(sa.select(col(OfficialAlias.official_id), col(OfficialAlias.name)))
    ]
    post_aliases: dict[int, list[str]] = {}
    for post_id, title in session.execute(
        sa.select(col(PostAlias.post_id), col(PostAlias.title)).order_by(col(PostAlias.id))
    ):
        post_aliases.setdefault(post_id, []).append(title)
    posts = [
        PostRef(post_id, title, country, tuple(post_aliases.get(post_id, ())), seats)
        for post_id, title, country, seats in session.execute(
            sa.select(col(Post.id), col(Post.title), col(Post.country), col(Post.seats))
        )
    ]
    tenures = [
        TenureSpan(*row)
        for row in session.execute(
            sa.select(
                col(Tenure.id),
                col(Tenure.official_id),
                col(Tenure.post_id),
                col(Tenure.start),
                col(Tenure.end),
                col(Tenure.inferred),
            )
        )
    ]
    return Registry(Directory.build(people, aliases), PostBook.build(posts, tenures))


def registry(session: Session) -> Registry:
    """The session's registry, read on first use."""
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = load_registry(session)
    assert isinstance(found, Registry)
    return found


def forget(session: Session) -> None:
    """Drop the session's registry after officials, aliases, posts or tenures changed."""
    session.info.pop(_KEY, None)


def audit(
    session: Session,
    entity: str,
    entity_id: int | None,
    action: str,
    summary: str,
    changes: Mapping[str, object] | None = None,
    *,
    by: str = "",
) -> None:
    """Record a change to the record other than an event's fields (in the caller's transaction)."""
    session.add(
        AuditEntry(
            entity=entity,
            entity_id=entity_id,
            action=action,
            summary=summary,
            changes=dict(changes or {}),
            by=by,
        )
    )


#: Events whose lanes are recomputed per statement.
_BATCH = 2000


def recompute_lanes(
    session: Session, official_ids: Collection[int] | None = None, *, commit: bool = True
) -> int:
    """Bring the posts and lanes stored on events up to date with the tenures, posts and aliases.

    Only the events of ``official_ids`` when given. Returns how many events changed lane.
    """
    forget(session)
    book = registry(session).book
    stmt = sa.select(
        col(ContactEvent.id),
        col(ContactEvent.official_a_id),
        col(ContactEvent.official_b_id),
        col(ContactEvent.role_a),
        col(ContactEvent.role_b),
        col(ContactEvent.date),
        col(ContactEvent.post_a_id),
        col(ContactEvent.post_b_id),
        col(ContactEvent.lane_key),
        sa.func.coalesce(col(Official.country), "").label("country_a"),
    ).join(Official, col(Official.id) == col(ContactEvent.official_a_id))
    if official_ids is not None:
        ids = list(official_ids)
        if not ids:
            return 0
        stmt = stmt.where(
            sa.or_(col(ContactEvent.official_a_id).in_(ids), col(ContactEvent.official_b_id).in_(ids))
        )
    countries = dict(session.execute(sa.select(col(Official.id), col(Official.country))).all())
    changed: list[dict[str, object]] = []
    for row in session.execute(stmt).all():
        event = _Sided(
            row.official_a_id,
            row.official_b_id,
            row.role_a,
            row.role_b,
            row.country_a,
            countries.get(row.official_b_id, ""),
            row.date,
        )
        lane = book.lane(event)
        if (lane.post_a_id, lane.post_b_id, lane.key) != (row.post_a_id, row.post_b_id, row.lane_key):
            changed.append({"b_id": row.id, "a": lane.post_a_id, "b": lane.post_b_id, "k": lane.key})
    with transaction(session, commit=commit):
        table = ContactEvent.__table__  # type: ignore[attr-defined]
        update = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values(post_a_id=sa.bindparam("a"), post_b_id=sa.bindparam("b"), lane_key=sa.bindparam("k"))
        )
        for start in range(0, len(changed), _BATCH):
            session.connection().execute(update, changed[start : start + _BATCH])
    return len(changed)


@dataclass(frozen=True, slots=True)
class _Sided:
    official_a_id: int
    official_b_id: int
    role_a: str
    role_b: str
    country_a: str
    country_b: str
    date: dt.date
