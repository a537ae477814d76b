"""Candidate contacts from an article, checked against the record (which would corroborate what), and saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlmodel import Session

from tracker.drafting import Candidate, Draft, draft_contacts
from tracker.forms import field_errors
from tracker.models import EventCreate
from tracker.store import writes
from tracker.store.errors import BatchError, InputError
from tracker.store.registry import registry
from tracker.store.whoswho import whos_who


@dataclass(frozen=True)
class ArticleSource:
    """Where an article came from: it becomes the source of every contact saved from it."""

    url: str = ""
    publisher: str = ""
    published: dt.date | None = None


@dataclass
class Proposal:
    """A candidate with the recorded event it would corroborate (or None) and why it could not be planned."""

    candidate: Candidate
    matches_event: int | None = None
    problem: str = ""
    #: what saving it as it stands would refuse (a new official without a country, say)
    note: str = ""
    #: per new name, the recorded names close to it ("did you mean")
    suggestions: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Proposals:
    items: list[Proposal] = field(default_factory=list)
    third_party: list[tuple[str, str, str]] = field(default_factory=list)


def candidate_item(candidate: Candidate, source: ArticleSource) -> dict[str, object]:
    """A candidate as the event fields the form and the API take, with the article as its source."""
    fields = candidate.fields()
    fields.update(
        summary="",
        initiated_by="",
        source_url=source.url,
        source_publisher=source.publisher,
        source_date=source.published.isoformat() if source.published else None,
    )
    return fields


def propose(session: Session, text: str, published: dt.date, source: ArticleSource) -> Proposals:
    """The candidates ``text`` yields, each with the recorded event it matches; writes nothing."""
    draft: Draft = draft_contacts(text, published, whos_who(session))
    out = Proposals(third_party=[(t.a, t.b, t.evidence) for t in draft.third_party])
    items: list[EventCreate] = []
    directory = registry(session).directory
    for candidate in draft.candidates:
        countries = {candidate.official_a: candidate.country_a, candidate.official_b: candidate.country_b}
        close = {
            name: [s.name for s in directory.suggest(name, countries.get(name, ""))]
            for name in candidate.new_officials
        }
        out.items.append(Proposal(candidate, suggestions={k: v for k, v in close.items() if v}))
        try:
            items.append(EventCreate.model_validate(candidate_item(candidate, source)))
        except ValidationError as exc:
            out.items[-1].problem = "; ".join(f"{k}: {v}" for k, v in field_errors(exc).items())
    valid = [p for p in out.items if not p.problem]
    plan = writes.plan_events(session, items, choices=writes.Choices(new=frozenset({"*"})), batch=True)
    for planned in plan.items:
        if planned.action in ("corroborate", "skip") and planned.target_event is not None:
            valid[planned.index].matches_event = planned.target_event
    for index, problem in plan.problems.items():
        valid[index].note = str(problem)
    return out


class DraftRefused(Exception):
    """Saving candidates was refused: a message per candidate and field ("2.date": "...")."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def save_candidates(
    session: Session, rows: Sequence[dict[str, object]], *, confirm_new: bool = False, by: str = ""
) -> writes.AddResult:
    """Validate every kept candidate, then store them all through the one write path, or none.

    A candidate that is another report of a recorded contact becomes a further source of it. New
    names follow the import's rules: a sure misspelling of a recorded official is read as them, a
    name close to recorded ones is refused unless ``confirm_new``, any other is recorded as new.
    ``DraftRefused`` names the candidate (its number, from 1) and the field of each problem.
    """
    errors: dict[str, str] = {}
    items: list[EventCreate] = []
    for number, row in enumerate(rows, start=1):
        data = {k: (None if v == "" and k in ("date_end", "source_date") else v) for k, v in row.items()}
        try:
            items.append(EventCreate.model_validate(data))
        except ValidationError as exc:
            for name, message in field_errors(exc).items():
                errors[f"{number}.{name}"] = message
    if errors:
        raise DraftRefused(errors)
    if not items:
        raise DraftRefused({"candidates": "keep at least one candidate to save"})
    try:
        choices = writes.Choices(new=frozenset({"*"}) if confirm_new else frozenset())
        return writes.add_events(session, items, choices=choices, by=by)
    except BatchError as exc:
        found = {
            f"{index + 1}.{name}": message
            for index, problem in exc.items.items()
            for name, message in _fields(problem).items()
        }
        raise DraftRefused(found) from None


def _fields(problem: InputError) -> dict[str, str]:
    return dict(problem.errors) or {"event": str(problem)}
