"""Loading a reference of offices, people and tenures (``seeds/reference.csv`` or a user's own file).

Loading never overrides what is recorded: a recorded title or name stays as it is (the
reference's wording becomes an alias), a tenure that differs from one recorded is left alone,
and a wording that already names something else is not taken from it. It says what it added and
what it left alone; loading the same file twice adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.directory import Person
from tracker.models import Official, OfficialAlias, Post, PostAlias, ReferenceRow, Tenure
from tracker.names import name_key, post_key
from tracker.posts import PostRef
from tracker.store.lanes import recompute_lanes
from tracker.store.registry import audit, forget, registry
from tracker.vocabulary import guess_kind


@dataclass
class ReferenceReport:
    """What loading a reference did: counts of what it added and what it left alone, and why."""

    added: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        added = ", ".join(f"{n} {kind}" for kind, n in sorted(self.added.items())) or "nothing"
        left = ", ".join(f"{n} {kind}" for kind, n in sorted(self.left.items())) or "nothing"
        return f"Added {added}; left alone {left}."


def _post(session: Session, row: ReferenceRow, report: ReferenceReport) -> Post:
    reg = registry(session)
    post_id = reg.book.match(row.office, row.country)
    if post_id is None:
        for alias in row.alias_list:
            post_id = reg.book.match(alias, row.country)
            if post_id is not None:
                break
    if post_id is not None:
        post = session.get(Post, post_id)
        assert post is not None
        report.left["offices already recorded"] += 1
    else:
        post = Post(title=row.office, country=row.country, seats=row.seats or 1)
        session.add(post)
        session.flush()
        reg.book.add_post(PostRef(post.id or 0, post.title, post.country, (), post.seats))
        report.added["offices"] += 1
    for wording in (row.office, *row.alias_list):
        key = post_key(wording, row.country)[0]
        if key == post_key(post.title, post.country)[0]:
            continue
        owner = reg.book.match(wording, row.country)
        if owner is None:
            session.add(PostAlias(post_id=post.id or 0, title=wording, country=post.country, key=key))
            reg.book.add_wording(post.id or 0, wording)
            report.added["office wordings"] += 1
        elif owner != post.id:
            report.left["office wordings that name another office"] += 1
            report.notes.append(f"{wording!r} ({row.country}) already names another office: left with it")
    return post


def _official(
    session: Session, name: str, country: str, aliases: Iterable[str], report: ReferenceReport
) -> Official:
    reg = registry(session)
    person = reg.directory.find(name) or next(
        (p for p in (reg.directory.find(a) for a in aliases) if p is not None), None
    )
    if person is not None:
        official = session.get(Official, person.id)
        assert official is not None
        report.left["people already recorded"] += 1
    else:
        official = Official(name=name, country=country, kind=guess_kind(name))
        session.add(official)
        session.flush()
        reg.directory.add(Person(official.id or 0, official.name, official.country, official.kind))
        report.added["people"] += 1
    for spelling in (name, *aliases):
        if name_key(spelling) == name_key(official.name):
            continue
        owner = reg.directory.find(spelling)
        if owner is None:
            if (
                session.exec(
                    select(OfficialAlias).where(OfficialAlias.name_key == name_key(spelling))
                ).first()
                is None
            ):
                session.add(OfficialAlias(official_id=official.id or 0, name=spelling))
                session.flush()
                report.added["name spellings"] += 1
        elif owner.id != official.id:
            report.left["spellings that name another person"] += 1
            report.notes.append(f"{spelling!r} already names {owner.name}: left with them")
    return official


def _tenure(
    session: Session, row: ReferenceRow, official: Official, post: Post, report: ReferenceReport
) -> bool:
    held = session.exec(
        select(Tenure).where(Tenure.official_id == official.id, Tenure.post_id == post.id)
    ).all()
    if any(t.start == row.start and t.end == row.end for t in held):
        report.left["tenures already recorded"] += 1
        return False
    dated = [t for t in held if (t.start or t.end) and not t.inferred]
    overlapping = [
        t
        for t in dated
        if (t.start is None or row.end is None or t.start <= row.end)
        and (t.end is None or row.start is None or row.start <= t.end)
    ]
    if overlapping:
        report.left["tenures that differ from yours"] += 1
        report.notes.append(f"{official.name} as {post.title}: your dates kept, the reference's left alone")
        return False
    undated = [t for t in held if not (t.start or t.end)]
    tenure = undated[0] if undated else Tenure(official_id=official.id or 0, post_id=post.id or 0)
    tenure.start, tenure.end, tenure.acting, tenure.inferred = row.start, row.end, row.acting, False
    tenure.source_url = row.source_url
    session.add(tenure)
    report.added["tenures"] += 1
    return True


def load_reference(
    session: Session, rows: Iterable[ReferenceRow], *, by: str = "", source: str = "", commit: bool = True
) -> ReferenceReport:
    """Load offices, then people, then tenures from ``rows``, all in one transaction.

    With ``commit=False`` it is only flushed, for the caller's transaction to commit.
    """
    report = ReferenceReport()
    rows = list(rows)
    touched: set[int] = set()
    with transaction(session, commit=commit):
        posts: dict[tuple[str, str], Post] = {}
        for row in rows:
            if row.record == "office":
                posts[post_key(row.office, row.country)] = _post(session, row, report)
        people: dict[str, Official] = {}
        for row in rows:
            if row.record == "person":
                people[name_key(row.person)] = _official(
                    session, row.person, row.country, row.alias_list, report
                )
        for row in rows:
            if row.record != "tenure":
                continue
            post = posts.get(post_key(row.office, row.country))
            if post is None:
                post = _post(session, row.model_copy(update={"aliases": ""}), report)
                posts[post_key(row.office, row.country)] = post
            official = people.get(name_key(row.person)) or _official(
                session, row.person, row.country, (), report
            )
            people[name_key(row.person)] = official
            if _tenure(session, row, official, post, report):
                touched.add(official.id or 0)
        session.flush()
        audit(
            session,
            "reference",
            None,
            "loaded",
            f"{source or 'reference'}: {report}",
            dict(report.added),
            by=by,
        )
        forget(session)
        if touched:
            recompute_lanes(session, touched, commit=False)
    return report


def export_rows(session: Session) -> Iterator[dict[str, str]]:
    """What is recorded of offices, people and tenures, in the reference format (loads back as it is)."""
    post_aliases: dict[int, list[str]] = {}
    for alias in session.exec(select(PostAlias).order_by(col(PostAlias.title))):
        post_aliases.setdefault(alias.post_id, []).append(alias.title)
    posts = {p.id: p for p in session.exec(select(Post).order_by(col(Post.country), col(Post.title)))}
    for post in posts.values():
        yield {
            "record": "office",
            "country": post.country,
            "office": post.title,
            "seats": str(post.seats) if post.seats != 1 else "",
            "aliases": "|".join(post_aliases.get(post.id or 0, [])),
        }
    official_aliases: dict[int, list[str]] = {}
    for spelling in session.exec(select(OfficialAlias).order_by(col(OfficialAlias.name))):
        official_aliases.setdefault(spelling.official_id, []).append(spelling.name)
    officials = {
        o.id: o for o in session.exec(select(Official).order_by(col(Official.country), col(Official.name)))
    }
    for official in officials.values():
        yield {
            "record": "person",
            "country": official.country,
            "person": official.name,
            "aliases": "|".join(official_aliases.get(official.id or 0, [])),
        }
    tenures = session.exec(select(Tenure).where(col(Tenure.inferred).is_(False)).order_by(col(Tenure.id)))
    for tenure in tenures:
        held, holder = posts.get(tenure.post_id), officials.get(tenure.official_id)
        if held is None or holder is None:
            continue
        yield {
            "record": "tenure",
            "country": held.country,
            "office": held.title,
            "person": holder.name,
            "start": tenure.start.isoformat() if tenure.start else "",
            "end": tenure.end.isoformat() if tenure.end else "",
            "acting": "yes" if tenure.acting else "",
            "source_url": tenure.source_url,
        }
