"""Who is who and who held what: the directory of officials and the post book, read once per session.

Every write to officials, aliases, posts or tenures forgets the session's copy, and
``recompute_lanes`` brings the lanes stored on events up to date with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.directory import Directory, Person
from tracker.models import AuditEntry, Official, OfficialAlias, Post, PostAlias, Tenure
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

    def label(self, key: str) -> str:
        """The label of a lane or pair from its key ("3:4", "p1-p2", "o3-p2")."""
        if ":" in key:
            a, b = key.split(":")
            return self.person_label(int(a), int(b))
        sides = []
        for part in key.split("-"):
            kind, number = part[0], int(part[1:])
            sides.append(self.side(number, None) if kind == "o" else self.side(0, number))
        return pair_label(sides[0], sides[1])

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


#: Who is changing the record in this context (a request's user); writes record it as "by".
_actor: ContextVar[str] = ContextVar("actor", default="")


def acting_as(name: str) -> Token[str]:
    """Record ``name`` as the author of the writes that follow (until ``done_acting``)."""
    return _actor.set(name)


def done_acting(token: Token[str]) -> None:
    _actor.reset(token)


def actor(by: str = "") -> str:
    """Who a write is by: ``by`` when given, else whoever this context acts as."""
    return by or _actor.get()


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
            by=actor(by),
        )
    )
