"""The plain "who's who" snapshot the article drafter reads: officials, aliases, posts, tenures, context."""

from __future__ import annotations

from sqlmodel import Session

from tracker.drafting import KnownContext, KnownPerson, KnownPost, KnownTenure, WhosWho
from tracker.store.context import list_context_events
from tracker.store.registry import registry


def whos_who(session: Session) -> WhosWho:
    """Every official with their spellings, every post with its wordings, every tenure and context event."""
    reg = registry(session)
    people = reg.directory.people
    known = [
        KnownPerson(
            p.name,
            p.country,
            tuple(s for s in reg.directory.spellings.get(p.id, []) if s != p.name),
            p.kind,
        )
        for p in people.values()
    ]
    posts = [KnownPost(p.id, p.title, p.country, p.aliases) for p in reg.book.posts.values()]
    tenures = [
        KnownTenure(people[t.official_id].name, t.post_id, t.start, t.end)
        for spans in reg.book.tenures.values()
        for t in spans
        if t.official_id in people
    ]
    context = [KnownContext(c.date, c.title, c.description) for c in list_context_events(session)]
    return WhosWho(known, posts, tenures, context)
