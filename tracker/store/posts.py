"""Posts, the other wordings of their titles, and the tenures of the officials who held them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.models import ContactEvent, Official, Post, PostAlias, Tenure, TenureCreate
from tracker.names import post_key
from tracker.store.errors import InputError
from tracker.store.lanes import recompute_lanes
from tracker.store.registry import audit, forget, registry


def find_post(session: Session, title: str, country: str) -> Post | None:
    """The post ``title`` of ``country`` names (its title or an alias, spelling aside), if recorded."""
    post_id = registry(session).book.match(title, country)
    return session.get(Post, post_id) if post_id is not None else None


def post_for(session: Session, title: str, country: str, *, seats: int = 1) -> Post:
    """The post ``title`` of ``country`` names, or a new one (flushed, not committed)."""
    post = find_post(session, title, country)
    if post is None:
        post = Post(title=title, country=country, seats=seats)
        session.add(post)
        session.flush()
        forget(session)
    return post


def ensure_tenure(session: Session, official: Official, post: Post) -> bool:
    """Record that ``official`` holds ``post`` (undated, inferred) unless a tenure of it exists."""
    held = session.exec(
        select(Tenure).where(Tenure.official_id == official.id, Tenure.post_id == post.id)
    ).first()
    if held is not None:
        return False
    assert official.id is not None and post.id is not None
    session.add(Tenure(official_id=official.id, post_id=post.id, inferred=True))
    forget(session)
    return True


@dataclass(frozen=True, slots=True)
class TenureView:
    """A tenure with its official and post, for display."""

    id: int
    official_id: int
    official: str
    post_id: int
    post: str
    country: str
    start: dt.date | None
    end: dt.date | None
    acting: bool = False
    inferred: bool = False
    source_url: str = ""


def list_tenures(
    session: Session, *, official_id: int | None = None, post_id: int | None = None
) -> list[TenureView]:
    """Tenures by post and start date, optionally of one official or one post."""
    where: list[Any] = []
    if official_id is not None:
        where.append(col(Tenure.official_id) == official_id)
    if post_id is not None:
        where.append(col(Tenure.post_id) == post_id)
    stmt = (
        sa.select(
            col(Tenure.id),
            col(Tenure.official_id),
            col(Official.name),
            col(Post.id),
            col(Post.title),
            col(Post.country),
            col(Tenure.start),
            col(Tenure.end),
            col(Tenure.acting),
            col(Tenure.inferred),
            col(Tenure.source_url),
        )
        .join(Official, col(Official.id) == col(Tenure.official_id))
        .join(Post, col(Post.id) == col(Tenure.post_id))
        .where(*where)
        .order_by(col(Post.country), col(Post.title), sa.nulls_first(col(Tenure.start)), col(Tenure.id))
    )
    return [TenureView(*r) for r in session.execute(stmt)]


def _span(start: dt.date | None, end: dt.date | None) -> str:
    return f"{start.isoformat() if start else '?'} to {end.isoformat() if end else 'now'}"


def save_tenure(
    session: Session, official_id: int, item: TenureCreate, tenure_id: int | None = None, *, by: str = ""
) -> Tenure:
    """Record that an official held a post (or change such a record); posts are matched by title or alias."""
    official = session.get(Official, official_id)
    if official is None:
        raise LookupError(f"no official {official_id}")
    with transaction(session):
        post = post_for(session, item.post, item.country)
        if tenure_id is None:
            tenure = Tenure(official_id=official_id, post_id=post.id or 0)
            session.add(tenure)
            action = "added"
        else:
            found = session.get(Tenure, tenure_id)
            if found is None or found.official_id != official_id:
                raise LookupError(f"no tenure {tenure_id}")
            tenure = found
            tenure.post_id = post.id or 0
            action = "updated"
        tenure.start, tenure.end, tenure.acting = item.start, item.end, item.acting
        tenure.inferred = False
        session.flush()
        audit(
            session,
            "tenure",
            tenure.id,
            action,
            f"{official.name}: {post.title} ({post.country}), {_span(item.start, item.end)}"
            + (" (acting)" if item.acting else ""),
            by=by,
        )
        recompute_lanes(session, [official_id], commit=False)
    return tenure


def delete_tenure(session: Session, tenure_id: int, *, by: str = "") -> None:
    """Remove a tenure. ``LookupError`` if there is none."""
    tenure = session.get(Tenure, tenure_id)
    if tenure is None:
        raise LookupError(f"no tenure {tenure_id}")
    official_id = tenure.official_id
    with transaction(session):
        post = session.get(Post, tenure.post_id)
        summary = f"official {official_id}: {post.title if post else tenure.post_id}, {_span(tenure.start, tenure.end)}"
        session.delete(tenure)
        session.flush()
        audit(
            session,
            "tenure",
            tenure_id,
            "deleted",
            summary,
            {
                "official_id": official_id,
                "post_id": tenure.post_id,
                "start": str(tenure.start),
                "end": str(tenure.end),
            },
            by=by,
        )
        recompute_lanes(session, [official_id], commit=False)


@dataclass(frozen=True, slots=True)
class PostSummary:
    """A post with its holders in order and its other wordings."""

    id: int
    title: str
    country: str
    holders: list[TenureView]
    aliases: list[PostAlias]
    seats: int = 1


def list_posts(session: Session) -> list[PostSummary]:
    """Every post by country and title, with its tenures by start date and its aliases."""
    by_post: dict[int, list[TenureView]] = {}
    for t in list_tenures(session):
        by_post.setdefault(t.post_id, []).append(t)
    aliases: dict[int, list[PostAlias]] = {}
    for alias in session.exec(select(PostAlias).order_by(col(PostAlias.title))).all():
        aliases.setdefault(alias.post_id, []).append(alias)
    posts = session.exec(select(Post).order_by(col(Post.country), col(Post.title))).all()
    return [
        PostSummary(
            p.id or 0, p.title, p.country, by_post.get(p.id or 0, []), aliases.get(p.id or 0, []), p.seats
        )
        for p in posts
    ]


def _clash(session: Session, title: str, country: str, post_id: int) -> str:
    """A message when ``title`` names another post than ``post_id`` ("" when free)."""
    other_id = registry(session).book.match(title, country)
    if other_id is None or other_id == post_id:
        return ""
    other = session.get(Post, other_id)
    return f"there is already this post: {other.title if other else other_id!r} ({other.country if other else ''})"


def _keep_alias(session: Session, post: Post, title: str) -> None:
    """Keep ``title`` as another wording of ``post`` (unless it is its title or already an alias)."""
    key = post_key(title, post.country)[0]
    if key == post_key(post.title, post.country)[0]:
        return
    existing = session.exec(
        select(PostAlias).where(PostAlias.key == key, PostAlias.country == post.country)
    ).first()
    if existing is None:
        session.add(PostAlias(post_id=post.id or 0, title=title, country=post.country, key=key))
    elif existing.post_id != post.id:
        existing.post_id = post.id or 0


def rename_post(session: Session, post_id: int, title: str, country: str, *, by: str = "") -> Post:
    """Change a post's title or country (the old title stays a wording of it); ``InputError`` if another post has them."""
    post = session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post {post_id}")
    clash = _clash(session, title, country, post_id)
    if clash:
        raise InputError({"title": clash})
    with transaction(session):
        old = post.title, post.country
        post.title, post.country = title, country
        session.flush()
        if old[1] == country and old[0] != title:
            _keep_alias(session, post, old[0])
        for alias in session.exec(select(PostAlias).where(PostAlias.post_id == post_id)).all():
            if alias.key == post_key(title, country)[0]:
                session.delete(alias)
        audit(session, "post", post_id, "renamed", f"{old[0]} ({old[1]}) is now {title} ({country}).", by=by)
        forget(session)
    return post


def add_post_alias(session: Session, post_id: int, title: str, *, by: str = "") -> PostAlias:
    """Record another wording of a post's title; ``InputError`` if it names another post."""
    post = session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post {post_id}")
    clash = _clash(session, title, post.country, post_id)
    if clash:
        raise InputError({"alias": clash})
    if post_key(title, post.country)[0] == post_key(post.title, post.country)[0]:
        raise InputError({"alias": f"{title!r} is the post's own title"})
    with transaction(session):
        _keep_alias(session, post, title)
        audit(session, "post", post_id, "alias added", f"{title} is another wording of {post.title}.", by=by)
        session.flush()
        forget(session)
        recompute_lanes(session, commit=False)
    alias = session.exec(select(PostAlias).where(PostAlias.key == post_key(title, post.country)[0])).first()
    assert alias is not None
    return alias


def delete_post_alias(session: Session, alias_id: int, *, by: str = "") -> PostAlias:
    """Forget a wording of a post. ``LookupError`` if there is none."""
    alias = session.get(PostAlias, alias_id)
    if alias is None:
        raise LookupError(f"no post alias {alias_id}")
    with transaction(session):
        session.delete(alias)
        audit(
            session, "post", alias.post_id, "alias deleted", f"{alias.title} is no longer a wording.", by=by
        )
        session.flush()
        forget(session)
        recompute_lanes(session, commit=False)
    return alias


def merge_posts(session: Session, post_id: int, into_id: int, *, by: str = "") -> tuple[str, str, int]:
    """Move every tenure of one post to another and remove the first; its title becomes an alias.

    Returns (merged title, kept title, tenures moved); a tenure the kept post already has with
    the same dates is dropped rather than doubled. Every later event, import or tenure using the
    merged wording resolves to the kept post. ``LookupError`` if either post is missing.
    """
    if post_id == into_id:
        raise InputError({"into": "choose another post to merge into"})
    post, into = session.get(Post, post_id), session.get(Post, into_id)
    if post is None or into is None:
        raise LookupError(f"no post {post_id if post is None else into_id}")
    with transaction(session):
        kept = {
            (t.official_id, t.start, t.end)
            for t in session.exec(select(Tenure).where(Tenure.post_id == into_id))
        }
        moved = 0
        officials: set[int] = set()
        for tenure in session.exec(select(Tenure).where(Tenure.post_id == post_id)).all():
            officials.add(tenure.official_id)
            if (tenure.official_id, tenure.start, tenure.end) in kept:
                session.delete(tenure)
                continue
            tenure.post_id = into_id
            moved += 1
        merged, kept_title = post.title, into.title
        wordings = [merged] + [
            a.title for a in session.exec(select(PostAlias).where(PostAlias.post_id == post_id))
        ]
        for alias in session.exec(select(PostAlias).where(PostAlias.post_id == post_id)).all():
            session.delete(alias)
        session.execute(
            sa.update(ContactEvent).where(col(ContactEvent.post_a_id) == post_id).values(post_a_id=None)
        )
        session.execute(
            sa.update(ContactEvent).where(col(ContactEvent.post_b_id) == post_id).values(post_b_id=None)
        )
        session.flush()
        session.delete(post)
        session.flush()
        for wording in wordings:
            _keep_alias(session, into, wording)
        audit(
            session,
            "post",
            into_id,
            "merged",
            f"Merged {merged} into {kept_title}: {moved} tenure(s) moved; {merged} is now another wording.",
            {"merged": merged, "merged_id": post_id, "tenures": moved},
            by=by,
        )
        session.flush()
        forget(session)
        recompute_lanes(session, commit=False)
    return merged, kept_title, moved


def load_tenures(
    session: Session,
    rows: Iterable[tuple[str, str, str, dt.date | None, dt.date | None]],
    *,
    commit: bool = True,
) -> int:
    """Record (official, post, country, start, end) tenures, creating officials; skips known ones.

    With ``commit=False`` the tenures are only flushed, for the caller's transaction to commit.
    """
    from tracker.store.people import find_official, new_official

    added = 0
    touched: set[int] = set()
    with transaction(session, commit=commit):
        for name, title, country, start, end in rows:
            official = find_official(session, name) or new_official(session, name, country)
            post = post_for(session, title, country)
            held = session.exec(
                select(Tenure).where(Tenure.official_id == official.id, Tenure.post_id == post.id)
            ).all()
            if any(t.start == start and t.end == end for t in held):
                continue
            undated = [t for t in held if t.start is None and t.end is None]
            tenure = undated[0] if undated else Tenure(official_id=official.id or 0, post_id=post.id or 0)
            tenure.start, tenure.end, tenure.inferred = start, end, False
            session.add(tenure)
            touched.add(official.id or 0)
            added += 1
        session.flush()
        forget(session)
        if touched:
            recompute_lanes(session, touched, commit=False)
    return added
