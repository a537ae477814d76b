"""The words of the record: channels, statuses, date precisions, kinds of official.

Each member carries how the tracker shows it (label, chart symbol, colour), so a new member is
one line here and nothing else: forms, filters, the API schema, the CSV check and the charts
all read these classes. A member given without a look gets one that no other member uses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

#: Plotly marker symbols for channels that do not name their own, in the order they are handed out.
SPARE_SYMBOLS = ("pentagon", "hexagram", "cross", "x", "bowtie", "hourglass", "triangle-down", "star-square")
#: Colours for statuses that do not name their own.
SPARE_COLORS = ("#2563eb", "#9333ea", "#0891b2", "#be185d", "#4d7c0f")


class Term(StrEnum):
    """A word of the record: the value stored, the label shown, and how charts draw it (``look``)."""

    _label: str
    _look: tuple[str, ...]

    def __new__(cls, value: str, label: str = "", *look: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label or value.replace("_", " ")
        member._look = look
        return member

    @property
    def label(self) -> str:
        return self._label

    def _look_or_spare(self, index: int, spares: tuple[str, ...]) -> str:
        """The look given at ``index``, or the first spare one no member was given (in member order)."""
        if len(self._look) > index and self._look[index]:
            return self._look[index]
        taken = {m._look[index] for m in type(self) if len(m._look) > index}
        free = [s for s in spares if s not in taken] or list(spares)
        unnamed = [m for m in type(self) if not (len(m._look) > index and m._look[index])]
        return free[unnamed.index(self) % len(free)]


class Channel(Term):
    """How a contact happened: value, label, and the marker symbol it has on the timeline."""

    phone = "phone", "phone", "circle"
    video = "video", "video", "square"
    in_person = "in_person", "in person", "diamond"
    hotline = "hotline", "hotline", "star"
    letter = "letter", "letter", "triangle-up"
    other = "other", "other", "hexagon"

    @property
    def symbol(self) -> str:
        """The Plotly marker symbol; members without one get the first spare symbol, in member order."""
        return self._look_or_spare(0, SPARE_SYMBOLS)


class Status(Term):
    """What came of a contact: value, label, colour, and the marker fill it is drawn with.

    The fill (a Plotly symbol suffix, "" for a solid marker) tells statuses apart where colour cannot.
    """

    held = "held", "held", "#1a7f4b", ""
    attempted = "attempted", "attempted", "#d97706", "-open"
    refused = "refused", "refused", "#c0362c", "-open-dot"
    unknown = "unknown", "unknown", "#6b7280", "-dot"

    @property
    def color(self) -> str:
        """The colour of the status; members without one get the first spare colour, in member order."""
        return self._look_or_spare(0, SPARE_COLORS)

    @property
    def fill(self) -> str:
        return self._look[1] if len(self._look) > 1 else "-open"


class Precision(Term):
    """How exactly a date is known, and how the tracker says it."""

    day = "day", "exact day"
    week = "week", "within the week starting then"
    month = "month", "month only"
    approximate = "approximate", "approximate (± 7 days)"
    reported = "reported", "reported by this date (happened in the days before)"


class OfficialKind(Term):
    """A side is a named person or, where no person is named, an organization."""

    person = "person"
    organization = "organization"


#: Words in a name that make a side an organization rather than a person.
ORGANIZATION_WORDS = ("command", "ministry", "department", "staff", "office", "embassy", "council")


def guess_kind(name: str) -> OfficialKind:
    """A person, unless the name has a word that organizations have ("U.S. European Command")."""
    lowered = name.casefold()
    return (
        OfficialKind.organization
        if any(word in lowered for word in ORGANIZATION_WORDS)
        else OfficialKind.person
    )


#: How a line's alert level is named in feeds and messages ("" is a line the state log had not seen).
LEVEL_WORDS = {
    "": "new",
    "none": "no baseline",
    "ok": "normal",
    "warn": "warning",
    "alarm": "alarm",
    "archived": "archived",
}
