"""All SQLModel classes: table models and the input models that validate before them.

Table models (``table=True``) do not validate; every write goes through an input model
(``EventCreate``, ``ContextEventCreate``) first and then ``tracker.queries``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlparse

import sqlalchemy as sa
from pydantic import AfterValidator, ValidationInfo, field_validator
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class Channel(StrEnum):
    """How a contact happened."""

    phone = "phone"
    video = "video"
    in_person = "in_person"
    hotline = "hotline"
    letter = "letter"
    other = "other"


class Status(StrEnum):
    """What came of a contact."""

    held = "held"
    attempted = "attempted"
    refused = "refused"
    unknown = "unknown"


class Precision(StrEnum):
    """How exactly a date is known."""

    day = "day"
    week = "week"
    month = "month"
    approximate = "approximate"


class OfficialKind(StrEnum):
    """A side is a named person or, where no person is named, an organization."""

    person = "person"
    organization = "organization"


# The sets that input validation and the UI draw on, in display order.
CHANNELS = tuple(Channel)
STATUSES = tuple(Status)
PRECISIONS = tuple(Precision)

# Tables ---------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """The key two spellings of one name share: Unicode NFC, single spaces, case folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


class Official(SQLModel, table=True):
    """A person, or an organization acting as a side."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    # set from ``name`` on every write (see ``_set_name_key``); officials are matched by it
    name_key: str = Field(default="", max_length=200, sa_column_kwargs={"unique": True})
    country: str = Field(default="", max_length=100)
    kind: str = Field(default=OfficialKind.person, max_length=20)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


@sa.event.listens_for(Official, "before_insert")
@sa.event.listens_for(Official, "before_update")
def _set_name_key(_mapper: object, _connection: object, official: Official) -> None:
    official.name_key = name_key(official.name)


class Post(SQLModel, table=True):
    """An office that outlives its holder ("US Secretary of Defense")."""

    __table_args__ = (sa.UniqueConstraint("title", "country"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    country: str = Field(default="", max_length=100)


class Tenure(SQLModel, table=True):
    """An official holding a post from ``start`` to ``end`` (either open when unknown)."""

    id: int | None = Field(default=None, primary_key=True)
    official_id: int = Field(foreign_key="official.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    start: dt.date | None = None
    end: dt.date | None = None


class ContactEvent(SQLModel, table=True):
    """One contact, or attempt at one, between the two sides of a pair."""

    __tablename__ = "contact_event"
    __table_args__ = (
        sa.Index("ix_contact_event_pair_date", "pair_key", "date"),
        sa.Index("ix_contact_event_date_id", "date", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date
    date_end: dt.date | None = None
    date_precision: str = Field(default=Precision.day, max_length=20)
    official_a_id: int = Field(foreign_key="official.id", index=True)
    official_b_id: int = Field(foreign_key="official.id", index=True)
    # The post each side held as the source named it ("" when it did not).
    role_a: str = Field(default="", max_length=200)
    role_b: str = Field(default="", max_length=200)
    # "min_id:max_id" of the two officials: the order of entry never splits a pair.
    pair_key: str = Field(max_length=50)
    channel: str = Field(max_length=20)
    status: str = Field(max_length=20, index=True)
    initiated_by_id: int | None = Field(default=None, foreign_key="official.id")
    summary: str = Field(default="", sa_type=sa.Text)
    source_url: str = Field(default="", max_length=2000)
    source_publisher: str = Field(default="", max_length=200)
    source_date: dt.date | None = None
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    deleted_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class EventChange(SQLModel, table=True):
    """One recorded change to a contact event: who, when, and each field's old and new value."""

    __tablename__ = "event_change"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="contact_event.id", index=True)
    changed_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    changed_by: str = Field(default="", max_length=200)
    action: str = Field(max_length=20)  # created, updated, deleted, restored
    # {"field": [old, new], ...} in the text of the CSV contract
    changes: dict[str, list[str]] = Field(default_factory=dict, sa_type=sa.JSON)


class ContextEvent(SQLModel, table=True):
    """Something that is not a contact but explains contacts (an invasion, an incident)."""

    __tablename__ = "context_event"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    source_url: str = Field(default="", max_length=2000)


class PairAlert(SQLModel, table=True):
    """Silence alert thresholds of one pair (person or post pair key)."""

    __tablename__ = "pair_alert"

    pair_key: str = Field(primary_key=True, max_length=50)
    #: warn when the current silence passes this many times the pair's median gap
    warn_factor: float = 2.0
    #: alarm after this many days; None means "when it passes the longest gap on record"
    alarm_days: int | None = None


# Matching names of countries and posts as sources write them ----------------------------------

#: Ways sources name a country, each list led by the key it is matched by.
COUNTRY_NAMES: tuple[tuple[str, ...], ...] = (
    ("us", "u.s.", "usa", "u.s.a.", "united states", "united states of america", "america", "american"),
    ("russia", "russian federation", "ru", "rus", "russian"),
    ("china", "prc", "people's republic of china", "cn", "chn", "chinese"),
    ("uk", "u.k.", "united kingdom", "great britain", "britain", "gb", "british"),
    ("ukraine", "ua", "ukr", "ukrainian"),
    ("north korea", "dprk", "democratic people's republic of korea", "north korean"),
    ("south korea", "republic of korea", "rok", "south korean"),
    ("iran", "islamic republic of iran", "iranian"),
    ("taiwan", "roc", "republic of china", "taiwanese"),
    ("nato", "north atlantic treaty organization"),
)
_COUNTRY_KEYS = {name: names[0] for names in COUNTRY_NAMES for name in names}
_COUNTRY_WORDS = sorted(_COUNTRY_KEYS, key=len, reverse=True)


def _words(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").casefold().split())


def country_key(country: str) -> str:
    """The key two spellings of one country share ("US", "U.S.", "United States" -> "us")."""
    text = _words(country)
    return _COUNTRY_KEYS.get(text, text)


def country_variants(country: str) -> tuple[str, ...]:
    """Every lower-case spelling of ``country`` that ``country_key`` matches to it."""
    key = country_key(country)
    names = next((n for n in COUNTRY_NAMES if n[0] == key), (key,))
    return tuple(sorted({*names, _words(country)}))


def _without_country(title: str) -> tuple[str, bool]:
    """A title's words without a leading country word ("US", "Russian", "China's"), and whether it had one."""
    text = _words(title).replace("defence", "defense")
    for word in _COUNTRY_WORDS:
        for prefix in (f"{word} ", f"{word}'s "):
            if text.startswith(prefix) and len(text) > len(prefix):
                return text[len(prefix) :], True
    return text, False


def post_key(title: str, country: str) -> tuple[str, str]:
    """The key two spellings of one post share.

    A leading country word is dropped ("US Secretary of Defense" and "Secretary of Defense" of
    the US are one post), "defence" is spelled "defense", and "defense minister" is read as
    "minister of defense".
    """
    text = _without_country(title)[0]
    inverted = re.fullmatch(r"(.+?) (minister|secretary)", text)
    if inverted:
        text = f"{inverted[2]} of {inverted[1]}"
    return text, country_key(country)


def post_label(title: str, country: str) -> str:
    """A post's title, with its country added when the title does not name one."""
    return title if _without_country(title)[1] or not country else f"{title} ({country})"


def pair_key(official_a_id: int, official_b_id: int) -> str:
    """The key of the pair of two officials, the same whichever side comes first."""
    low, high = sorted((official_a_id, official_b_id))
    return f"{low}:{high}"


# Input models ---------------------------------------------------------------------------


#: The dates the tracker accepts: wide enough for any contact on record, narrow enough that
#: date arithmetic (uncertainty bounds, gaps) can never leave the calendar.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def _plausible(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}")
    return value


EventDate = Annotated[dt.date, AfterValidator(_plausible)]


_CONTROL = {chr(c) for c in range(32) if chr(c) not in "\t\n\r"} | {"\x7f"}


def _clean(value: object) -> object:
    """Text as stored: Unicode NFC, without surrounding space; control characters refused."""
    if not isinstance(value, str):
        return value
    if any(c in _CONTROL for c in value):
        raise ValueError("must not contain control characters")
    return unicodedata.normalize("NFC", value).strip()


def _check_url(value: str) -> str:
    if value:
        parts = urlparse(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be a web address starting with http:// or https://")
    return value


WebAddress = Annotated[str, AfterValidator(_check_url)]


def _not_before(
    start_field: str, start_words: str
) -> Callable[[dt.date | None, ValidationInfo], dt.date | None]:
    """A field validator: an end date must not come before the (already validated) start field."""

    def check(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get(start_field)
        if value is not None and start is not None and value < start:
            raise ValueError(f"must not be before {start_words}")
        return value

    return check


class EventCreate(SQLModel):
    """A contact event as submitted by the form, the CSV import, the API or the seeds."""

    date: EventDate
    date_end: EventDate | None = None
    date_precision: Precision = Precision.day
    official_a: str = Field(min_length=1, max_length=200)
    role_a: str = Field(default="", max_length=200)
    country_a: str = Field(default="", max_length=100)
    official_b: str = Field(min_length=1, max_length=200)
    role_b: str = Field(default="", max_length=200)
    country_b: str = Field(default="", max_length=100)
    channel: Channel
    status: Status
    initiated_by: str = Field(default="", max_length=200)
    summary: str = Field(default="", max_length=10_000)
    source_url: WebAddress = Field(default="", max_length=2000)
    source_publisher: str = Field(default="", max_length=200)
    source_date: EventDate | None = None

    _strip = field_validator(
        "official_a",
        "role_a",
        "country_a",
        "official_b",
        "role_b",
        "country_b",
        "initiated_by",
        "summary",
        "source_url",
        "source_publisher",
        mode="before",
    )(_clean)

    _end_not_before_start = field_validator("date_end")(_not_before("date", "the date"))

    @field_validator("official_b")
    @classmethod
    def _sides_differ(cls, value: str, info: ValidationInfo) -> str:
        if name_key(value) == name_key(str(info.data.get("official_a", ""))):
            raise ValueError("must differ from the first side")
        return value

    @field_validator("initiated_by")
    @classmethod
    def _initiator_is_a_side(cls, value: str, info: ValidationInfo) -> str:
        sides = {name_key(str(info.data.get(k, ""))) for k in ("official_a", "official_b")}
        if value and name_key(value) not in sides:
            raise ValueError("must be one of the two sides, or empty")
        return value


def as_text(value: object) -> str:
    """A field's value as the CSV contract writes it: ISO dates, empty for none."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class EventImport(EventCreate):
    """A row of an events file: an event, and the id it had where it was exported (kept if free)."""

    id: int | None = Field(default=None, ge=1, le=2**31 - 1)


#: The fields of a contact event in the order of the CSV contract (which adds ``id`` first).
EVENT_FIELDS: tuple[str, ...] = tuple(EventCreate.model_fields)


class OfficialCreate(SQLModel):
    """An official as submitted."""

    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=1, max_length=100)
    kind: OfficialKind = OfficialKind.person

    _strip = field_validator("name", "country", mode="before")(_clean)


class TenureCreate(SQLModel):
    """A tenure as submitted: a post title and country, held from ``start`` to ``end``."""

    post: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=1, max_length=100)
    start: EventDate | None = None
    end: EventDate | None = None

    _strip = field_validator("post", "country", mode="before")(_clean)

    _ends_after_start = field_validator("end")(_not_before("start", "the start"))


class PostUpdate(SQLModel):
    """A post's title and country as submitted."""

    title: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=1, max_length=100)

    _strip = field_validator("title", "country", mode="before")(_clean)


class TenureRow(TenureCreate):
    """A line of a tenures file: who held which post, from when to when."""

    official: str = Field(min_length=1, max_length=200)

    _strip_official = field_validator("official", mode="before")(_clean)


class PairAlertUpdate(SQLModel):
    """Alert thresholds as submitted."""

    warn_factor: float = Field(default=2.0, gt=0, le=100)
    alarm_days: int | None = Field(default=None, gt=0, le=100_000)


class ContextEventCreate(SQLModel):
    """A context event as submitted."""

    date: EventDate
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    source_url: WebAddress = Field(default="", max_length=2000)

    _strip = field_validator("title", "description", "source_url", mode="before")(_clean)


class EventPublic(SQLModel):
    """A contact event as the API returns it: its id, the fields of the CSV contract, and its pair."""

    id: int = Field(description="The event's number, stable for its life (also after deletion).")
    date: dt.date = Field(description="When it happened (ISO 8601); the start of a span.")
    date_end: dt.date | None = Field(default=None, description="The end of a span, or null for one day.")
    date_precision: Precision = Field(description="How exactly the date is known.")
    official_a: str = Field(description="One side: a person or, where none is named, an organization.")
    role_a: str = Field(description="The post side A held as the source named it, or empty.")
    country_a: str = Field(description="Side A's country as recorded.")
    official_b: str = Field(description="The other side.")
    role_b: str = Field(description="The post side B held as the source named it, or empty.")
    country_b: str = Field(description="Side B's country as recorded.")
    channel: Channel = Field(description="How the contact happened.")
    status: Status = Field(description="What came of it: held, attempted, refused or unknown.")
    initiated_by: str = Field(description="The name of the side that asked for it, or empty.")
    summary: str = Field(description="What was said or done, in a sentence or two.")
    source_url: str = Field(description="Where it is reported (http or https address), or empty.")
    source_publisher: str = Field(description="Who published the source.")
    source_date: dt.date | None = Field(default=None, description="When the source was published.")
    pair_key: str = Field(description='The pair the event belongs to ("3:4"), for the `pair` filter.')
    pair_label: str = Field(description='The pair\'s two sides, "A – B".')
