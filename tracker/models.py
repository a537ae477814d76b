"""All SQLModel classes: the tables, and the input and output models derived with them.

The event is one model family in SQLModel's style: ``EventBase`` declares each field stored as
given, once, with its description; the table (``ContactEvent``), the input (``EventCreate``),
the partial update (``EventUpdate``) and the API answer (``EventPublic``) derive from it, and so
do the CSV contract (``EVENT_FIELDS``), the history and the reads. Table models do not validate:
every write goes through an input model first and then ``tracker.store``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlparse

import sqlalchemy as sa
from pydantic import AfterValidator, ValidationInfo, create_model, field_validator, model_validator
from pydantic.fields import FieldInfo
from sqlmodel import Field, SQLModel

from tracker.countries import canonical_country
from tracker.memo import Memo
from tracker.names import clean_name, mixed_script, name_key
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
_CONTROL_CHARACTER = re.compile("[" + re.escape("".join(sorted(_CONTROL))) + "]")


def _clean(value: object) -> object:
    """Text as stored: Unicode NFC, without surrounding space; control characters refused."""
    if not isinstance(value, str):
        return value
    return _cleaned[value] if len(value) <= _CLEANED_LENGTH else clean_text(value)


def clean_text(value: str) -> str:
    """``value`` as stored (NFC, stripped); ``ValueError`` when it holds control characters."""
    if _CONTROL_CHARACTER.search(value):
        raise ValueError("must not contain control characters")
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value.strip()


#: Short texts already cleaned (the same names, roles, countries and dates fill most of a file's cells).
_cleaned = Memo(clean_text)
_CLEANED_LENGTH = 100


#: An address that is surely http(s) with a host: the usual case, accepted without parsing.
_PLAIN_WEB_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][^\s]*)?", re.IGNORECASE)


def _check_url(value: str) -> str:
    if value and not _PLAIN_WEB_ADDRESS.fullmatch(value):
        parts = urlparse(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be a web address starting with http:// or https://")
    return value


WebAddress = Annotated[str, AfterValidator(_check_url)]


@functools.lru_cache(maxsize=65536)
def _checked_name(value: str) -> str:  # cached: an import names the same few officials on every row
    value = clean_name(value)
    problem = mixed_script(value)
    if problem:
        raise ValueError(problem)
    return value


#: A name or title as stored: invisible characters gone, direction controls and mixed scripts refused.
Name = Annotated[str, AfterValidator(_checked_name)]
#: A country under its one canonical name ("US" -> "United States").
Country = Annotated[str, AfterValidator(canonical_country)]


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
    role_a: Name = Field(
        default="", max_length=200, description="The post side A held as the source named it, or empty."
    )
    role_b: Name = Field(
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

    official_a: Name = Field(
        min_length=1,
        max_length=200,
        description="One side: a person or, where none is named, an organization.",
    )
    country_a: Country = Field(
        default="", max_length=100, description="Side A's country (one name for each)."
    )
    official_b: Name = Field(min_length=1, max_length=200, description="The other side.")
    country_b: Country = Field(default="", max_length=100, description="Side B's country.")
    initiated_by: Name = Field(
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


#: What pages call the fields of a contact event (history, messages); others read as their name.
FIELD_LABELS: dict[str, str] = {
    "date": "Date",
    "date_end": "End date",
    "date_precision": "Date precision",
    "official_a": "First side",
    "role_a": "First side's post",
    "country_a": "First side's country",
    "official_b": "Second side",
    "role_b": "Second side's post",
    "country_b": "Second side's country",
    "channel": "Channel",
    "status": "Status",
    "initiated_by": "Initiated by",
    "summary": "Summary",
    "source_url": "Source URL",
    "source_publisher": "Publisher",
    "source_date": "Publication date",
    "deleted_at": "Deleted",
}


def field_label(name: str) -> str:
    """A field's label for people ("Second side's post"), not its column name ("role_b")."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


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
        sa.Index("ix_contact_event_lane_date", "lane_key", "date"),
        sa.Index("ix_contact_event_mid", "mid"),
    )

    id: int | None = Field(default=None, primary_key=True)
    official_a_id: int = Field(foreign_key="official.id", index=True)
    official_b_id: int = Field(foreign_key="official.id", index=True)
    # "min_id:max_id" of the two officials: the order of entry never splits a pair.
    pair_key: str = Field(max_length=50)
    initiated_by_id: int | None = Field(default=None, foreign_key="official.id")
    # Worked out on every write (and when tenures, posts or aliases change): the post each side
    # held on the date, the lane (post pair) the event belongs to, and its earliest and latest
    # possible day.
    post_a_id: int | None = Field(default=None, foreign_key="post.id")
    post_b_id: int | None = Field(default=None, foreign_key="post.id")
    lane_key: str = Field(default="", max_length=50)
    earliest: dt.date | None = None
    latest: dt.date | None = None
    #: where the event is drawn: its date when exact, else the middle of its possible days
    mid: dt.date | None = None
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    deleted_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    #: counts the event's changes: an edit based on an older version is refused (optimistic locking)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


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
        if value and not _is_side(
            value, str(info.data.get("official_a", "")), str(info.data.get("official_b", ""))
        ):
            raise ValueError("must be one of the two sides, or empty")
        return value


@functools.lru_cache(maxsize=4096)  # an import names the same few pairs and initiators on every row
def _is_side(name: str, a: str, b: str) -> bool:
    return name_key(name) in (name_key(a), name_key(b))


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


class CleanedEventImport(EventImport):
    """A row of an events file whose cells the reader already cleaned (``clean_text``), each distinct
    text once: validated without cleaning every field again (a third of the validation of a large
    file). A row with a cell that cannot be cleaned is validated as ``EventImport``, for its messages.

    Only for ``csvio``'s reader: made from uncleaned values, it would keep their spaces and
    control characters (build ``EventImport`` or ``EventCreate`` instead)."""

    _strip = field_validator("id", mode="before")(_clean)

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)

    # validating a row makes the instance directly, without SQLModel's ``__init__`` (which only
    # table models need): a sixth of the validation of a large file
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]


class SourceBase(SQLModel):
    """A report of a contact: where, by whom, when, and what it said."""

    source_url: WebAddress = Field(
        default="", max_length=2000, description="Where it is reported (http or https)."
    )
    source_publisher: str = Field(default="", max_length=200, description="Who published it.")
    source_date: EventDate | None = Field(default=None, description="When it was published.")
    quote: str = Field(
        default="", max_length=2000, sa_type=sa.Text, description="The words of the report, if kept."
    )
    channel: str = Field(
        default="",
        max_length=20,
        description="The channel this report gave, where it differs from the event's.",
    )
    date: EventDate | None = Field(default=None, description="The date this report gave, where it differs.")


class SourceCreate(SourceBase):
    """A corroborating source as submitted."""

    _strip = field_validator("*", mode="before")(_clean)

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        if value and value not in Channel._value2member_map_:
            raise ValueError(f"must be one of {', '.join(Channel)}, or empty")
        return value


class SourceRow(SourceCreate):
    """A further source with the event it reports (a line of ``/sources.csv``)."""

    event_id: int = Field(ge=1, le=MAX_ID)


class SourcePublic(SourceBase):
    """A corroborating source as the API returns it."""

    id: int


class EventPublic(EventBase, EventSides):
    """A contact event as the API returns it: its id, the fields of the CSV contract, and its pair."""

    id: int = Field(description="The event's number, stable for its life (also after deletion).")
    pair_key: str = Field(description='The pair the event belongs to ("3:4"), for the `pair` filter.')
    pair_label: str = Field(description='The pair\'s two sides, "A – B".')
    sources: list[SourcePublic] = Field(
        default_factory=list,
        description="Further reports of this contact (the first source is in source_url).",
    )


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


class OfficialAlias(SQLModel, table=True):
    """Another spelling of an official's name that sources use ("Sergey Shoygu" for Sergei Shoigu)."""

    __tablename__ = "official_alias"

    id: int | None = Field(default=None, primary_key=True)
    official_id: int = Field(foreign_key="official.id", index=True)
    name: str = Field(max_length=200)
    # set from ``name`` on every write (see ``_set_alias_key``)
    name_key: str = Field(default="", max_length=200, sa_column_kwargs={"unique": True})
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


@sa.event.listens_for(OfficialAlias, "before_insert")
@sa.event.listens_for(OfficialAlias, "before_update")
def _set_alias_key(_mapper: object, _connection: object, alias: OfficialAlias) -> None:
    alias.name_key = name_key(alias.name)


class Post(SQLModel, table=True):
    """An office that outlives its holder ("US Secretary of Defense")."""

    __table_args__ = (sa.UniqueConstraint("title", "country"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    country: str = Field(default="", max_length=100)
    #: how many people hold it at once (the Vice Chairmen of China's Central Military Commission: several)
    seats: int = 1


class PostAlias(SQLModel, table=True):
    """Another wording of a post that sources use ("Pentagon chief", "Defense Secretary")."""

    __tablename__ = "post_alias"
    __table_args__ = (sa.UniqueConstraint("key", "country"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    title: str = Field(max_length=200)
    country: str = Field(default="", max_length=100)
    # ``tracker.names.post_key`` of the title: the wording matched, spelling aside
    key: str = Field(max_length=200)


class Tenure(SQLModel, table=True):
    """An official holding a post from ``start`` to ``end`` (either open when unknown)."""

    id: int | None = Field(default=None, primary_key=True)
    official_id: int = Field(foreign_key="official.id", index=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    start: dt.date | None = None
    end: dt.date | None = None
    acting: bool = False
    #: recorded because an event named the role, without dates: never preferred to a dated tenure
    inferred: bool = False
    source_url: str = Field(default="", max_length=2000)


class EventSource(SourceBase, table=True):
    """A further report of a contact event (its first source is on the event itself)."""

    __tablename__ = "event_source"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="contact_event.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class AuditEntry(SQLModel, table=True):
    """One change to the record other than an event's fields: a merge, an alias, a tenure, a setting."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    by: str = Field(default="", max_length=200)
    #: official, post, alias, tenure, context, threshold, event
    entity: str = Field(max_length=30, index=True)
    entity_id: int | None = None
    action: str = Field(max_length=30)
    summary: str = Field(default="", sa_type=sa.Text)
    changes: dict[str, object] = Field(default_factory=dict, sa_type=sa.JSON)


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
    """Something that is not a contact but explains contacts (an invasion, an incident, a war)."""

    __tablename__ = "context_event"

    id: int | None = Field(default=None, primary_key=True)
    date: dt.date = Field(index=True)
    #: the last day of a context that lasted (a war, a crisis), or None for one day
    date_end: dt.date | None = None
    title: str = Field(max_length=200)
    description: str = Field(default="", sa_type=sa.Text)
    source_url: str = Field(default="", max_length=2000)
    #: the countries it concerns, canonical names separated by "|" (empty: every pair)
    countries: str = Field(default="", max_length=1000)


class PairAlert(SQLModel, table=True):
    """Silence alert thresholds of one pair (person or post pair key)."""

    __tablename__ = "pair_alert"

    pair_key: str = Field(primary_key=True, max_length=50)
    #: warn when the current silence passes this many times the pair's median gap
    warn_factor: float = 2.0
    #: alarm after this many days; None means "when it passes the longest gap on record"
    alarm_days: int | None = None
    #: a line taken off the board (a one-off contact, a closed channel): its data stays
    archived_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class LaneStat(SQLModel, table=True):
    """One lane's statistics, worked out again whenever its events change (``tracker.store.lanes``).

    ``mode`` is "post" (a lane of posts, or of persons in a handover) or "person" (a person pair).
    """

    __tablename__ = "lane_stat"

    mode: str = Field(primary_key=True, max_length=10)
    key: str = Field(primary_key=True, max_length=50)
    dyad: str = Field(default="", max_length=250, index=True)
    last_event: dt.date | None = None
    #: ``tracker.analysis.PairStats`` without the silence (which depends on the day) and the gaps
    stats: dict[str, object] = Field(default_factory=dict, sa_type=sa.JSON)
    #: the lane's changes of holder (``tracker.analysis.HolderChange``)
    changes: list[dict[str, object]] = Field(default_factory=list, sa_type=sa.JSON)


class LaneGap(SQLModel, table=True):
    """A gap between two consecutive held contacts of a lane, kept with the lane's statistics."""

    __tablename__ = "lane_gap"
    __table_args__ = (
        sa.Index("ix_lane_gap_lane_start", "mode", "key", "start_mid"),
        # the longest gaps first, for the labels of a wide window of the timeline
        sa.Index("ix_lane_gap_mode_longest", "mode", "max_days"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mode: str = Field(max_length=10)
    key: str = Field(max_length=50)
    start_id: int
    end_id: int
    start: dt.date
    end: dt.date
    #: where the gap is drawn: from the middle of its first event's possible days to that of its last
    start_mid: dt.date
    end_mid: dt.date
    min_days: int
    max_days: int
    attempts: int = 0
    refusals: int = 0


class AlertChange(SQLModel, table=True):
    """A lane's alert level changed (the state log ``flask check-alerts`` keeps): when, to what, and why."""

    __tablename__ = "alert_change"
    __table_args__ = (sa.Index("ix_alert_change_key_id", "mode", "key", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    mode: str = Field(default="post", max_length=10)
    key: str = Field(max_length=50)
    label: str = Field(default="", max_length=500)
    #: the level before ("" when the lane was first seen) and after: none, ok, warn, alarm, archived
    level_from: str = Field(default="", max_length=10)
    level_to: str = Field(max_length=10)
    reason: str = Field(default="", sa_type=sa.Text)
    #: the day the lane entered the level (a threshold crossed), when known
    since: dt.date | None = None
    #: the day the check measured silences to
    as_of: dt.date
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class User(SQLModel, table=True):
    """Someone who can log in: an editor changes the record, an admin also manages users."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    #: argon2id, never shown, never exported
    password_hash: str = Field(default="", max_length=300)
    #: "viewer", "editor" or "admin"
    role: str = Field(default="editor", max_length=10)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class ApiToken(SQLModel, table=True):
    """A user's key to the API's writes; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    label: str = Field(default="", max_length=80)
    digest: str = Field(max_length=64, unique=True)
    #: the first characters, to tell tokens apart in lists
    prefix: str = Field(max_length=12)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    revoked_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class LoginFailure(SQLModel, table=True):
    """A failed login, kept for a while to slow down guessing (counted across workers)."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    #: "name:<user name>" or "ip:<address>"
    key: str = Field(max_length=200, index=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), index=True)


class Watch(SQLModel, table=True):
    """A user watching a line (post pair), a dyad or a saved filter, and how they hear of changes."""

    __table_args__ = (sa.UniqueConstraint("user_id", "query", name="uq_watch_user_query"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    #: "pair", "dyad" or "filter": what the user chose to watch (shown in lists)
    kind: str = Field(max_length=10)
    #: the filters of the timeline that say what is watched ("pair=3:4", "dyad=…", any query string)
    query: str = Field(max_length=2000)
    label: str = Field(default="", max_length=300)
    #: what to hear about: changes of alert level, new events
    levels: bool = True
    new_events: bool = False
    #: "" (no email), "immediate" or "daily"
    email_mode: str = Field(default="", max_length=10)
    email: str = Field(default="", max_length=320)
    webhook_url: str = Field(default="", max_length=2000)
    #: the key of the webhook's HMAC-SHA256 signature (shown once; left out of backups)
    webhook_secret: str = Field(default="", max_length=100)
    #: the newest alert change and event already turned into notifications (a new watch starts at "now")
    change_cursor: int = 0
    event_cursor: int = 0
    last_digest_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Delivery(SQLModel, table=True):
    """One notification of one watch through one channel: its payload, attempts and outcome."""

    __table_args__ = (
        sa.UniqueConstraint("watch_id", "channel", "topic", "ref_id", name="uq_delivery_once"),
        sa.Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="watch.id", index=True)
    #: "webhook", "email" (one message now) or "digest" (gathered into the daily message)
    channel: str = Field(max_length=10)
    #: "level" (an alert change, ``ref_id`` its id) or "event" (a new event, ``ref_id`` its id)
    topic: str = Field(max_length=10)
    ref_id: int
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    #: "pending", "sending" (claimed by a sender), "sent" or "failed" (given up)
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    last_error: str = Field(default="", sa_type=sa.Text)
    #: the HTTP status the webhook's endpoint answered last
    response_status: int | None = None
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    sent_at: dt.datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


# Other input models -----------------------------------------------------------------------------


class OfficialCreate(SQLModel):
    """An official as submitted."""

    name: Name = Field(min_length=1, max_length=200)
    country: Country = Field(min_length=1, max_length=100)
    kind: OfficialKind = OfficialKind.person

    _strip = field_validator("name", "country", mode="before")(_clean)


class TenureCreate(SQLModel):
    """A tenure as submitted: a post title and country, held from ``start`` to ``end``."""

    post: Name = Field(min_length=1, max_length=200)
    country: Country = Field(min_length=1, max_length=100)
    start: EventDate | None = None
    end: EventDate | None = None
    acting: bool = False

    _strip = field_validator("post", "country", mode="before")(_clean)

    _ends_after_start = field_validator("end")(_not_before("start", "the start"))


class PostUpdate(SQLModel):
    """A post's title and country as submitted."""

    title: Name = Field(min_length=1, max_length=200)
    country: Country = Field(min_length=1, max_length=100)

    _strip = field_validator("title", "country", mode="before")(_clean)


class TenureRow(TenureCreate):
    """A line of a tenures file: who held which post, from when to when."""

    official: Name = Field(min_length=1, max_length=200)

    _strip_official = field_validator("official", mode="before")(_clean)


class PairAlertUpdate(SQLModel):
    """Alert thresholds as submitted."""

    warn_factor: float = Field(default=2.0, gt=0, le=100)
    alarm_days: int | None = Field(default=None, gt=0, le=100_000)


def _countries(value: str) -> str:
    names = [canonical_country(part) for part in value.replace(",", "|").split("|") if part.strip()]
    return "|".join(dict.fromkeys(names))


class ContextEventCreate(SQLModel):
    """A context event as submitted."""

    date: EventDate
    date_end: EventDate | None = None
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000)
    source_url: WebAddress = Field(default="", max_length=2000)
    #: the countries it concerns, separated by commas or "|" (empty: every pair)
    countries: Annotated[str, AfterValidator(_countries)] = Field(default="", max_length=1000)

    _strip = field_validator("title", "description", "source_url", "countries", mode="before")(_clean)
    _ends_after_start = field_validator("date_end")(_not_before("date", "the date"))


class ReferenceRow(SQLModel):
    """A line of a reference file (``seeds/reference.csv``): an office, a person, or a tenure.

    ``aliases`` holds other wordings separated by ``|``; every line names its source.
    """

    record: Literal["office", "person", "tenure"]
    country: Country = Field(min_length=1, max_length=100)
    office: Name = Field(default="", max_length=200)
    person: Name = Field(default="", max_length=200)
    start: EventDate | None = None
    end: EventDate | None = None
    acting: bool = False
    seats: int | None = Field(default=None, ge=1, le=50)
    aliases: str = Field(default="", max_length=5000)
    source_url: WebAddress = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=5000)

    _strip = field_validator("*", mode="before")(_clean)
    _ends_after_start = field_validator("end")(_not_before("start", "the start"))

    @field_validator("acting", mode="before")
    @classmethod
    def _yes(cls, value: object) -> object:
        return {"yes": True, "": False, "no": False}.get(str(value).strip().casefold(), value)

    @model_validator(mode="after")
    def _names_its_subject(self) -> ReferenceRow:
        needs = {"office": ("office",), "person": ("person",), "tenure": ("office", "person")}[self.record]
        missing = [name for name in needs if not getattr(self, name)]
        if missing:
            raise ValueError(f"{missing[0]}: a {self.record} line must name its {missing[0]}")
        return self

    @property
    def alias_list(self) -> list[str]:
        return [clean_name(a) for a in self.aliases.split("|") if a.strip()]


# Assessments, expected schedules and unobserved periods (#14) ------------------------------------

#: The arrows of a monthly assessment, in the order the form offers them.
ARROWS = ("improved", "unchanged", "deteriorated")
Arrow = Literal["improved", "unchanged", "deteriorated"]
#: The longest one-line reason of an assessment.
REASON_LENGTH = 200
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def check_month(value: str) -> str:
    """``value`` when it is a month written YYYY-MM within the tracker's calendar, else ValueError."""
    if not _MONTH.fullmatch(value):
        raise ValueError("must be a month written YYYY-MM (e.g. 2026-11)")
    year = int(value[:4])
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise ValueError(f"must be between {EARLIEST_DATE.year} and {LATEST_DATE.year}")
    return value


#: A calendar month as ``YYYY-MM``.
Month = Annotated[str, AfterValidator(check_month)]


class Assessment(SQLModel, table=True):
    """An editor's signed judgement of one line (a pair's lane or a dyad) for one month."""

    __table_args__ = (sa.UniqueConstraint("line", "month", name="uq_assessment_line_month"),)

    id: int | None = Field(default=None, primary_key=True)
    #: a lane key ("p1-p2", "3:4") or a dyad ("dyad:United States – Russia")
    line: str = Field(max_length=260, index=True)
    label: str = Field(default="", max_length=500)
    month: str = Field(max_length=7, index=True)
    arrow: str = Field(max_length=20)
    reason: str = Field(max_length=REASON_LENGTH)
    notes: str = Field(default="", sa_type=sa.Text)
    #: the tracker's suggestion when the editor saved it (to see where the editor disagreed)
    suggested_arrow: str = Field(default="", max_length=20)
    suggested_reason: str = Field(default="", sa_type=sa.Text)
    signed_by: str = Field(default="", max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class AssessmentCreate(SQLModel):
    """An assessment as submitted: the line and month, the arrow, a one-line reason, notes."""

    line: str = Field(min_length=1, max_length=260)
    month: Month
    arrow: Arrow
    reason: str = Field(min_length=1, max_length=REASON_LENGTH)
    notes: str = Field(default="", max_length=10_000)

    _strip = field_validator("line", "month", "reason", "notes", mode="before")(_clean)

    @field_validator("reason")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError("must be one line")
        return value


class PairSchedule(SQLModel, table=True):
    """The expected rhythm of a standing dialogue: a round every N days, or once a year by a month."""

    __tablename__ = "pair_schedule"

    pair_key: str = Field(primary_key=True, max_length=50)
    #: "interval" (every ``interval_days``) or "yearly" (a round each calendar year by the end of ``due_month``)
    kind: str = Field(max_length=10)
    interval_days: int | None = None
    due_month: int | None = None
    note: str = Field(default="", max_length=500)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class PairScheduleUpdate(SQLModel):
    """An expected schedule as submitted."""

    kind: Literal["interval", "yearly"]
    interval_days: int | None = Field(default=None, ge=1, le=3660)
    due_month: int | None = Field(default=None, ge=1, le=12)
    note: str = Field(default="", max_length=500)

    _strip = field_validator("note", mode="before")(_clean)

    @model_validator(mode="after")
    def _names_its_rhythm(self) -> PairScheduleUpdate:
        if self.kind == "interval" and self.interval_days is None:
            raise ValueError("interval_days: is required for a round every N days")
        if self.kind == "yearly" and self.due_month is None:
            raise ValueError("due_month: is required for a yearly round")
        if self.kind == "interval":
            self.due_month = None
        else:
            self.interval_days = None
        return self


class UnobservedPeriod(SQLModel, table=True):
    """A time when a pair's contacts were not observable (a side stopped disclosing them)."""

    __tablename__ = "unobserved_period"

    id: int | None = Field(default=None, primary_key=True)
    pair_key: str = Field(max_length=50, index=True)
    start: dt.date
    #: None: still unobserved
    end: dt.date | None = None
    note: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class UnobservedPeriodCreate(SQLModel):
    """An unobserved period as submitted."""

    start: EventDate
    end: EventDate | None = None
    note: str = Field(min_length=1, max_length=500)

    _strip = field_validator("note", mode="before")(_clean)
    _ends_after_start = field_validator("end")(_not_before("start", "the start"))
