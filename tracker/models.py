"""All SQLModel classes: the tables, and the input and output models derived with them.

The event is one model family in SQLModel's style: ``EventBase`` declares each field stored as
given, once, with its description; the table (``ContactEvent``), the input (``EventCreate``),
the partial update (``EventUpdate``) and the API answer (``EventPublic``) derive from it, and so
do the CSV contract (``EVENT_FIELDS``), the history and the reads. Table models do not validate:
every write goes through an input model first and then ``tracker.store``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, get_args
from urllib.parse import urlparse

import sqlalchemy as sa
from pydantic import AfterValidator, ValidationInfo, create_model, field_validator
from pydantic.fields import FieldInfo
from sqlmodel import Field, SQLModel

from tracker.names import name_key
from tracker.vocabulary import Channel, OfficialKind, Precision, Status


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


#: The largest id any table hands out or a URL can name: ids fit a 32-bit integer column everywhere.
MAX_ID = 2**31 - 1

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


def as_text(value: object) -> str:
    """A field's value as the CSV contract writes it: ISO dates, empty for none."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def pair_key(official_a_id: int, official_b_id: int) -> str:
    """The key of the pair of two officials, the same whichever side comes first."""
    low, high = sorted((official_a_id, official_b_id))
    return f"{low}:{high}"


# The contact event ------------------------------------------------------------------------------


class EventBase(SQLModel):
    """The fields of a contact event that are stored as they are given.

    The sides (``EventSides``) are given by name and stored as officials; everything else is
    here, once: a field added here is a column of the table, a field of the input and of the
    API's schema, and a column of the CSV contract (in the order of this class).
    """

    date: EventDate = Field(description="When it happened (ISO 8601); the start of a span.")
    date_end: EventDate | None = Field(default=None, description="The end of a span, or null for one day.")
    date_precision: Precision = Field(
        default=Precision.day, sa_type=sa.String(20), description="How exactly the date is known."
    )
    role_a: str = Field(
        default="", max_length=200, description="The post side A held as the source named it, or empty."
    )
    role_b: str = Field(
        default="", max_length=200, description="The post side B held as the source named it, or empty."
    )
    channel: Channel = Field(sa_type=sa.String(20), description="How the contact happened.")
    status: Status = Field(
        sa_type=sa.String(20), description="What came of it: held, attempted, refused or unknown."
    )
    summary: str = Field(
        default="",
        max_length=10_000,
        sa_type=sa.Text,
        description="What was said or done, in a sentence or two.",
    )
    source_url: WebAddress = Field(
        default="", max_length=2000, description="Where it is reported (http or https address), or empty."
    )
    source_publisher: str = Field(default="", max_length=200, description="Who published the source.")
    source_date: EventDate | None = Field(default=None, description="When the source was published.")


class EventSides(SQLModel):
    """The two sides of a contact event and its initiator, by name (stored as officials)."""

    official_a: str = Field(
        min_length=1,
        max_length=200,
        description="One side: a person or, where none is named, an organization.",
    )
    country_a: str = Field(default="", max_length=100, description="Side A's country as recorded.")
    official_b: str = Field(min_length=1, max_length=200, description="The other side.")
    country_b: str = Field(default="", max_length=100, description="Side B's country as recorded.")
    initiated_by: str = Field(
        default="", max_length=200, description="The name of the side that asked for it, or empty."
    )


_NO_FIELD = FieldInfo(annotation=None)

#: Where the sides go among the stored fields in the CSV contract: each side's name before its
#: role and its country after it; the initiator after the status.
_SIDES_IN_CONTRACT = {
    "role_a": ("official_a", "role_a", "country_a"),
    "role_b": ("official_b", "role_b", "country_b"),
    "status": ("status", "initiated_by"),
}

#: The fields of a contact event in the order of the CSV contract (which adds ``id`` first).
EVENT_FIELDS: tuple[str, ...] = tuple(
    name for stored in EventBase.model_fields for name in _SIDES_IN_CONTRACT.get(stored, (stored,))
)


def _holds_date(annotation: object) -> bool:
    """Whether a field's type is a date (or an optional or annotated one)."""
    return annotation is dt.date or any(_holds_date(arg) for arg in get_args(annotation))


#: The fields of ``EVENT_FIELDS`` that hold dates.
DATE_FIELDS: tuple[str, ...] = tuple(
    name for name in EVENT_FIELDS if _holds_date(EventBase.model_fields.get(name, _NO_FIELD).annotation)
)


class ContactEvent(EventBase, table=True):
    """One contact, or attempt at one, between the two sides of a pair."""

    __tablename__ = "contact_event"
    __table_args__ = (
        sa.Index("ix_contact_event_pair_date", "pair_key", "date"),
        sa.Index("ix_contact_event_date_id", "date", "id"),
        sa.Index("ix_contact_event_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    official_a_id: int = Field(foreign_key="official.id", index=True)
    official_b_id: int = Field(foreign_key="official.id", index=True)
    # "min_id:max_id" of the two officials: the order of entry never splits a pair.
    pair_key: str = Field(max_length=50)
    initiated_by_id: int | None = Field(default=None, foreign_key="official.id")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    deleted_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class EventCreate(EventBase, EventSides):
    """A contact event as submitted by the form, the CSV import, the API or the seeds."""

    _strip = field_validator("*", mode="before")(_clean)

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


def _all_optional(model: type[SQLModel], name: str, doc: str) -> type[SQLModel]:
    """``model``'s fields, each optional and without default (for partial updates)."""
    fields: dict[str, Any] = {
        field: (info.annotation | None, Field(default=None, description=info.description))  # type: ignore[operator]
        for field, info in model.model_fields.items()
    }
    updated: type[SQLModel] = create_model(name, __base__=SQLModel, __doc__=doc, **fields)
    return updated


#: Any fields of an event: the others keep their values, then the whole is validated as ``EventCreate``.
EventUpdate = _all_optional(
    EventCreate,
    "EventUpdate",
    "Any fields of an event (EventCreate); the others keep their values, then the whole is validated.",
)


class EventImport(EventCreate):
    """A row of an events file: an event, and the id it had where it was exported (kept if free)."""

    id: int | None = Field(default=None, ge=1, le=MAX_ID)


class EventPublic(EventBase, EventSides):
    """A contact event as the API returns it: its id, the fields of the CSV contract, and its pair."""

    id: int = Field(description="The event's number, stable for its life (also after deletion).")
    pair_key: str = Field(description='The pair the event belongs to ("3:4"), for the `pair` filter.')
    pair_label: str = Field(description='The pair\'s two sides, "A – B".')


assert set(EVENT_FIELDS) == set(EventCreate.model_fields), "every event field has its place in the contract"


# Officials, posts and tenures -------------------------------------------------------------------


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


# Other input models -----------------------------------------------------------------------------


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
