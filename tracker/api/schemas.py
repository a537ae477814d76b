"""The API's models: query strings, bodies and answers, from which its OpenAPI document is made."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from tracker.filters import filter_query_model
from tracker.models import EARLIEST_DATE, LATEST_DATE, EventCreate, EventPublic, EventUpdate, SourceCreate

#: The timeline's filters as query-string parameters (derived from ``tracker.filters.EventFilter``).
FilterQuery = filter_query_model()

Lanes = Literal["person", "post"]


class PageQuery(BaseModel):
    """Which page of the list, and how its pairs are keyed."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=1_000_000, description="The page to return, from 1.")
    per_page: int = Field(
        default=100, ge=1, le=1000, description="Events per page (at most 1000).", examples=[10]
    )
    lanes: Lanes = Field(
        default="person",
        description="Key each event's pair by the two persons, or by the posts they held on its date.",
    )


def _iso_date(value: object) -> object:
    """Only ``YYYY-MM-DD`` (pydantic would also read "0" as 1970-01-01, a Unix time)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("give a date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("give a date as YYYY-MM-DD")
    return value


#: A day in ISO 8601, within the calendar the tracker keeps.
IsoDay = Annotated[dt.date, BeforeValidator(_iso_date), Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


class PairQuery(BaseModel):
    """When the current silences are measured, and how pairs are keyed."""

    model_config = ConfigDict(extra="forbid")

    as_of: IsoDay | None = Field(
        default=None, description="The day current silences run to (ISO 8601); today (UTC) when absent."
    )
    lanes: Lanes = Field(
        default="person",
        description="Pairs of persons (Austin – Shoigu), or of posts, which run across changes of holder.",
    )
    gaps: bool = Field(
        default=False,
        description="Include every gap of each pair (else only the longest); "
        "`/api/pairs/{key}/gaps` pages through one pair's gaps.",
    )
    dyad: str = Field(
        default="", description="Only the pairs of these two countries (`United States – Russia`)."
    )
    level: Literal["", "alarm", "warn", "ok", "none"] = Field(
        default="", description="Only the pairs at this alert level."
    )
    archived: bool = Field(default=False, description="The archived pairs instead of those on the board.")
    order: Literal["recent", "alarming", "silence", "name"] = Field(
        default="recent",
        description="Most recently active first (default), most alarming, longest silent, by name.",
    )


class ErrorBody(BaseModel):
    """What every error answer carries: what went wrong, and a message per bad field or parameter."""

    error: str = Field(description="What went wrong, in a sentence.")
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="A message per bad body field or query-string parameter (may be empty).",
    )
    suggestions: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per field, recorded names close to a new one (send `confirm_new: true` to record it as new).",
    )
    corroborates: int | None = Field(
        default=None,
        description="The recorded event this looks like another report of (send `corroborates` or `separate`).",
    )


class WriteOptions(BaseModel):
    """What a write may settle in advance, where the tracker would otherwise ask."""

    confirm_new: bool = Field(
        default=False, description="Record names close to recorded ones as new (else 422 with suggestions)."
    )
    corroborates: int | None = Field(
        default=None,
        ge=1,
        description="Add this report as a further source of that event instead of a contact.",
    )
    separate: bool = Field(
        default=False,
        description="Record a contact of its own even when it overlaps a recorded contact of the pair (else 409).",
    )


class EventWritten(EventPublic):
    """The event as written, with what the write noticed but accepted."""

    warnings: list[str] = Field(
        default_factory=list, description="E.g. the date is outside the recorded tenure of a side."
    )


class EventBody(EventCreate, WriteOptions):
    """A contact event to record, with its further sources and what to do where the tracker would ask."""

    sources: list[SourceCreate] = Field(default_factory=list, description="Further reports of the contact.")


class EventPage(BaseModel):
    """One page of events in date order, with the addresses of the pages around it."""

    items: list[EventPublic]
    page: int = Field(description="This page's number, from 1.")
    per_page: int = Field(description="The most events a page holds.")
    total: int = Field(description="How many events match the filters, on all pages.")
    next: str | None = Field(description="The address of the next page, or null on the last.")
    prev: str | None = Field(description="The address of the previous page, or null on the first.")


class ChangePublic(BaseModel):
    """One recorded change of an event: when, by whom, what, and each field's old and new value."""

    id: int
    changed_at: dt.datetime = Field(description="When (UTC).")
    changed_by: str = Field(description="Who (empty until accounts exist).")
    action: str = Field(description="created, updated, deleted or restored.")
    changes: dict[str, list[str]] = Field(
        description="Per changed field, [old, new] in the text of the CSV contract (empty for delete and restore)."
    )


class EventHistory(BaseModel):
    """Every recorded change of one event, oldest first."""

    event_id: int
    items: list[ChangePublic]


class OfficialPublic(BaseModel):
    """An official: name, country and the post of their latest tenure."""

    name: str
    country: str
    role: str = Field(description="The post last recorded for them, or empty.")


class OfficialList(BaseModel):
    """Every official, by name."""

    items: list[OfficialPublic]


class GapPublic(BaseModel):
    """The silence between two consecutive held contacts of a pair, with bounds for uncertain dates."""

    start: dt.date = Field(description="The date of the held contact that opens the gap.")
    end: dt.date = Field(description="The date of the held contact that ends it.")
    start_id: int = Field(description="The id of the event that opens the gap.")
    end_id: int = Field(description="The id of the event that ends it.")
    min_days: int = Field(description="At least this many days.")
    max_days: int = Field(description="At most this many days (the same as min_days for exact dates).")
    attempts: int = Field(description="Attempted contacts inside the gap.")
    refusals: int = Field(description="Refused contacts inside the gap.")
    label: str = Field(description='"84 days", or "at least 80, at most 90 days".')


class PairPublic(BaseModel):
    """A pair's contacts, gaps and current silence."""

    pair_key: str
    label: str = Field(description='The two sides, "A – B".')
    held: int
    attempts: int
    refusals: int
    total: int = Field(description="Every event of the pair, whatever its status.")
    last_contact: dt.date | None = Field(description="The last held contact, or null.")
    silence_min_days: int | None = Field(
        description="The current silence, at least (null without a held contact)."
    )
    silence_max_days: int | None = Field(description="The current silence, at most.")
    silence_label: str
    longest_gap: GapPublic | None
    median_gap_min: float | None = Field(description="The median gap's lower bound in days.")
    median_gap_max: float | None = Field(description="The median gap's upper bound in days.")
    gaps: list[GapPublic] | None = Field(description="Every gap, oldest first (with `gaps=true`; else null).")
    gap_count: int = Field(description="How many gaps the pair has.")
    dyad: str = Field(description="The two countries of the pair.")
    level: Literal["alarm", "warn", "ok", "none", "archived"] = Field(
        description="The alert level of the current silence."
    )
    level_label: str = Field(
        description="The level as the board names it (Alarm, Warning, Normal, No baseline, Archived)."
    )
    alert_reason: str = Field(description="Why the pair is at this level.")
    level_since: dt.date | None = Field(
        description="Since when the pair is in alarm or warning (null otherwise)."
    )
    attempts_since_last: int = Field(description="Attempted contacts since the last held contact.")
    refusals_since_last: int = Field(description="Refused contacts since the last held contact.")
    schedule: str | None = Field(
        default=None, description='The expected schedule of a standing dialogue ("every 90 days"), or null.'
    )
    overdue: bool = Field(
        default=False,
        description="Whether the round the schedule expects is past its due date (apart from `level`).",
    )
    overdue_due: dt.date | None = Field(
        default=None, description="The day the overdue round was due by (null when none is overdue)."
    )
    unobserved: bool = Field(
        default=False,
        description="Whether the current silence overlaps an unobserved period (then it is no confirmed silence).",
    )


class GapQuery(BaseModel):
    """Which page of a pair's gaps."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=1_000_000, description="The page to return, from 1.")
    per_page: int = Field(
        default=100, ge=1, le=1000, description="Gaps per page (at most 1000).", examples=[10]
    )


class GapPage(BaseModel):
    """One page of a pair's gaps, the latest first, with the addresses of the pages around it."""

    pair_key: str = Field(description="The pair: a person pair (`3:4`) or a post pair.")
    items: list[GapPublic]
    page: int = Field(description="This page's number, from 1.")
    per_page: int = Field(description="The most gaps a page holds.")
    total: int = Field(description="How many gaps the pair has, on all pages.")
    next: str | None = Field(description="The address of the next page, or null on the last.")
    prev: str | None = Field(description="The address of the previous page, or null on the first.")


class PairList(BaseModel):
    """Every pair with its gap statistics, the most recently active first."""

    as_of: dt.date = Field(description="The day the current silences run to.")
    lanes: Lanes
    items: list[PairPublic]


#: The event the docs use as an example body; validated here so that it cannot drift from the model.
EXAMPLE_EVENT: dict[str, Any] = {
    "date": "2022-05-19",
    "date_end": None,
    "date_precision": "day",
    "official_a": "Mark Milley",
    "role_a": "US Chairman of the Joint Chiefs of Staff",
    "country_a": "US",
    "official_b": "Valery Gerasimov",
    "role_b": "Russian Chief of the General Staff",
    "country_b": "Russia",
    "channel": "phone",
    "status": "held",
    "initiated_by": "",
    "summary": "Discussed several security-related issues of concern.",
    "source_url": "https://www.jcs.mil/Media/News/",
    "source_publisher": "Joint Staff",
    "source_date": "2022-05-19",
}
EventCreate.model_validate(EXAMPLE_EVENT)
EXAMPLE_PATCH = {"summary": "Agreed to keep the lines of communication open."}
EventUpdate.model_validate(EXAMPLE_PATCH)


class DraftBody(BaseModel):
    """An article to draft contacts from: its text and publication date (URL and publisher become the source)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=200_000, description="The article's text.")
    published: dt.date = Field(
        description="When the article was published (YYYY-MM-DD): dates are read against it."
    )
    url: str = Field(
        default="", max_length=2000, description="The article's address (the events' source_url)."
    )
    publisher: str = Field(default="", max_length=200, description="Who published it (source_publisher).")


class DraftItem(EventCreate):
    """A candidate contact: the event fields as POST /api/events takes them, and where they came from."""

    evidence: str = Field(description="The sentence the candidate came from.")
    date_phrase: str = Field(description='The words its date was read from ("" when the text gives none).')
    matches_event: int | None = Field(
        description="The recorded event this is another report of (saving adds a source to it), or null."
    )
    new_officials: list[str] = Field(default_factory=list, description="Sides the record does not know yet.")
    suggestions: dict[str, list[str]] = Field(
        default_factory=dict, description="Per new side, recorded officials with a close name (did you mean)."
    )


class DraftList(BaseModel):
    """The candidates an article yields; nothing is written."""

    items: list[DraftItem]


class AssessmentQuery(BaseModel):
    """Which assessments to list: of a month, of a line, or both."""

    model_config = ConfigDict(extra="forbid")

    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = Field(
        default=None, description="Only this month's (YYYY-MM).", examples=["2026-11"]
    )
    line: str | None = Field(
        default=None,
        max_length=260,
        description='Only this line\'s: a pair\'s key ("p1-p2", as in /pairs/<key>) or "dyad:<countries>".',
    )


class AssessmentPublic(BaseModel):
    """A signed monthly assessment of a line, and what the data suggested when it was saved."""

    id: int
    line: str = Field(
        description='The line: a pair\'s key ("p1-p2", "3:4") or "dyad:United States – Russia".'
    )
    label: str = Field(description="The line's name.")
    month: str = Field(description="The month assessed (YYYY-MM).")
    arrow: Literal["improved", "unchanged", "deteriorated"]
    reason: str = Field(description="The one-line reason.")
    notes: str
    signed_by: str = Field(description="The editor who saved it last.")
    created_at: dt.datetime
    updated_at: dt.datetime
    suggested_arrow: str = Field(description="The arrow the data suggested when it was saved.")
    suggested_reason: str


class AssessmentList(BaseModel):
    """Assessments, the latest month first, then by line."""

    items: list[AssessmentPublic]


EXAMPLE_ASSESSMENT: dict[str, Any] = {
    "line": "dyad:United States – Russia",
    "month": "2022-05",
    "arrow": "improved",
    "reason": "First calls since the invasion: both defence lines spoke again after 84 and 90 days.",
    "notes": "",
}
