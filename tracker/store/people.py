"""Officials, the posts they hold and their tenures: reading, matching and managing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.models import ContactEvent, Official, OfficialCreate, Post, Tenure, TenureCreate
from tracker.names import name_key, post_key
from tracker.posts import PostBook, PostRef, TenureSpan
from tracker.store.errors import InputError
from tracker.vocabulary import guess_kind

_POST_BOOK = "tracker.post_book"


def post_book(session: Session) -> PostBook:
    """Every tenure and post, read once per session (writes to tenures and posts forget it)."""
    book = session.info.get(_POST_BOOK)
    if book is None:
        stmt = sa.select(
            col(Tenure.id),
            col(Tenure.official_id),
            col(Tenure.post_id),
            col(Post.title),
            col(Post.country),
            col(Tenure.start),
            col(Tenure.end),
        ).join(Post, col(Post.id) == col(Tenure.post_id))
        tenures = [TenureSpan(*row) for row in session.execute(stmt)]
        posts = [
            PostRef(*row)
            for row in session.execute(sa.select(col(Post.id), col(Post.title), col(Post.country)))
        ]
        book = session.info[_POST_BOOK] = PostBook(tenures, posts)
    return book


def forget_post_book(session: Session) -> None:
    """Drop the session's post book after tenures or posts changed."""
    session.info.pop(_POST_BOOK, None)


# Officials ---------------------------------------------------------------------------------------


def find_official(session: Session, name: str) -> Official | None:
    """The official called ``name`` (matched by ``name_key``: case, spacing and Unicode form aside), if recorded."""
    return session.exec(select(Official).where(Official.name_key == name_key(name))).first()


def new_official(session: Session, name: str, country: str) -> Official:
    """Add an official with the kind its name suggests (flushed, not committed)."""
    official = Official(name=name, country=country, kind=guess_kind(name))
    session.add(official)
    session.flush()
    return official


@dataclass(frozen=True, slots=True)
class OfficialChoice:
    """An official as offered by autocomplete: name, country and the post last recorded."""

    name: str
    country: str
    role: str


def list_officials(session: Session) -> list[OfficialChoice]:
    """Every official by name, with the post of their latest tenure."""
    officials = session.exec(select(Official).order_by(Official.name)).all()
    latest_role: dict[int, str] = {}
    tenures = session.exec(
        select(Tenure.official_id, Post.title)
        .join(Post, col(Post.id) == Tenure.post_id)
        .order_by(sa.func.coalesce(col(Tenure.start), dt.date.min), col(Tenure.id))
    ).all()
    for official_id, title in tenures:
        latest_role[official_id] = title
    return [
        OfficialChoice(name=o.name, country=o.country, role=latest_role.get(o.id or 0, "")) for o in officials
    ]


@dataclass(frozen=True, slots=True)
class OfficialSummary:
    """An official with how many events they took part in."""

    id: int
    name: str
    country: str
    kind: str
    events: int
    posts: str


def list_official_summaries(session: Session) -> list[OfficialSummary]:
    """Every official by country and name, with event counts and the posts they held."""
    counts: dict[int, int] = {}
    for column in (ContactEvent.official_a_id, ContactEvent.official_b_id):
        stmt = (
            sa.select(col(column), sa.func.count())
            .where(col(ContactEvent.deleted_at).is_(None))
            .group_by(col(column))
        )
        for official_id, n in session.execute(stmt):
            counts[official_id] = counts.get(official_id, 0) + n
    posts: dict[int, list[str]] = {}
    for t in list_tenures(session):
        posts.setdefault(t.official_id, []).append(t.post)
    officials = session.exec(select(Official).order_by(col(Official.country), col(Official.name))).all()
    return [
        OfficialSummary(
            id=o.id or 0,
            name=o.name,
            country=o.country,
            kind=o.kind,
            events=counts.get(o.id or 0, 0),
            posts=", ".join(posts.get(o.id or 0, [])),
        )
        for o in officials
    ]


def get_official(session: Session, official_id: int) -> Official | None:
    """One official, or None."""
    return session.get(Official, official_id)


def save_official(session: Session, item: OfficialCreate, official_id: int | None = None) -> Official:
    """Add an official, or change one; ``InputError`` when the name is taken by another."""
    same = find_official(session, item.name)
    if same is not None and same.id != official_id:
        raise InputError({"name": f"{same.name!r} is already recorded"})
    with transaction(session):
        if official_id is None:
            official = Official(name=item.name, country=item.country, kind=item.kind)
            session.add(official)
        else:
            found = session.get(Official, official_id)
            if found is None:
                raise LookupError(f"no official {official_id}")
            official = found
            official.sqlmodel_update(item.model_dump())
    return official


# Posts and tenures -------------------------------------------------------------------------------


def post_for(session: Session, title: str, country: str) -> Post:
    """The post ``title`` of ``country`` as recorded (spelling aside, see ``post_key``), or a new one."""
    key = post_key(title, country)
    posts = session.exec(select(Post).order_by(col(Post.id))).all()
    post = next((p for p in posts if post_key(p.title, p.country) == key), None)
    if post is None:
        post = Post(title=title, country=country)
        session.add(post)
        session.flush()
        forget_post_book(session)
    return post


def ensure_tenure(session: Session, official: Official, title: str, country: str) -> None:
    """Record that ``official`` held the post ``title`` (undated) unless a tenure of it exists."""
    post = post_for(session, title, country or official.country)
    held = session.exec(
        select(Tenure).where(Tenure.official_id == official.id, Tenure.post_id == post.id)
    ).first()
    if held is None:
        assert official.id is not None and post.id is not None
        session.add(Tenure(official_id=official.id, post_id=post.id))
        forget_post_book(session)


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


def _tenure_views(session: Session, *where: Any) -> list[TenureView]:
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
        )
        .join(Official, col(Official.id) == col(Tenure.official_id))
        .join(Post, col(Post.id) == col(Tenure.post_id))
        .where(*where)
        .order_by(
            col(Post.country),
            col(Post.title),
            sa.func.coalesce(col(Tenure.start), dt.date.min),
            col(Tenure.id),
        )
    )
    return [TenureView(*r) for r in session.execute(stmt)]


def list_tenures(
    session: Session, *, official_id: int | None = None, post_id: int | None = None
) -> list[TenureView]:
    """Tenures by post and start date, optionally of one official or one post."""
    where = []
    if official_id is not None:
        where.append(col(Tenure.official_id) == official_id)
    if post_id is not None:
        where.append(col(Tenure.post_id) == post_id)
    return _tenure_views(session, *where)


def save_tenure(
    session: Session, official_id: int, item: TenureCreate, tenure_id: int | None = None
) -> Tenure:
    """Record that an official held a post (or change such a record); posts are matched by title."""
    if session.get(Official, official_id) is None:
        raise LookupError(f"no official {official_id}")
    with transaction(session):
        post = post_for(session, item.post, item.country)
        if tenure_id is None:
            tenure = Tenure(official_id=official_id, post_id=post.id or 0)
            session.add(tenure)
        else:
            found = session.get(Tenure, tenure_id)
            if found is None or found.official_id != official_id:
                raise LookupError(f"no tenure {tenure_id}")
            tenure = found
            tenure.post_id = post.id or 0
        tenure.start, tenure.end = item.start, item.end
        forget_post_book(session)
    return tenure


def delete_tenure(session: Session, tenure_id: int) -> None:
    """Remove a tenure. ``LookupError`` if there is none."""
    tenure = session.get(Tenure, tenure_id)
    if tenure is None:
        raise LookupError(f"no tenure {tenure_id}")
    with transaction(session):
        session.delete(tenure)
        forget_post_book(session)


@dataclass(frozen=True, slots=True)
class PostSummary:
    """A post with its holders in order."""

    id: int
    title: str
    country: str
    holders: list[TenureView]


def list_posts(session: Session) -> list[PostSummary]:
    """Every post by country and title, with its tenures by start date."""
    by_post: dict[int, list[TenureView]] = {}
    for t in list_tenures(session):
        by_post.setdefault(t.post_id, []).append(t)
    posts = session.exec(select(Post).order_by(col(Post.country), col(Post.title))).all()
    return [PostSummary(p.id or 0, p.title, p.country, by_post.get(p.id or 0, [])) for p in posts]


def rename_post(session: Session, post_id: int, title: str, country: str) -> Post:
    """Change a post's title or country; ``InputError`` if another post has them."""
    post = session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post {post_id}")
    key = post_key(title, country)
    others = session.exec(select(Post).where(Post.id != post_id)).all()
    other = next((p for p in others if post_key(p.title, p.country) == key), None)
    if other is not None:
        raise InputError({"title": f"there is already this post: {other.title!r} ({other.country})"})
    with transaction(session):
        post.title, post.country = title, country
        forget_post_book(session)
    return post


def merge_posts(session: Session, post_id: int, into_id: int) -> tuple[str, str, int]:
    """Move every tenure of one post to another and remove the first.

    Returns (merged title, kept title, tenures moved); a tenure the kept post already has with
    the same dates is dropped rather than doubled. ``LookupError`` if either post is missing.
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
        for tenure in session.exec(select(Tenure).where(Tenure.post_id == post_id)).all():
            if (tenure.official_id, tenure.start, tenure.end) in kept:
                session.delete(tenure)
                continue
            tenure.post_id = into_id
            moved += 1
        merged, kept_title = post.title, into.title
        session.flush()
        session.delete(post)
        forget_post_book(session)
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
    added = 0
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
            tenure.start, tenure.end = start, end
            session.add(tenure)
            added += 1
        forget_post_book(session)
    return added
