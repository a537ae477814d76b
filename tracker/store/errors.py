"""What a write refuses: input that contradicts what is stored."""

from __future__ import annotations

from collections.abc import Mapping


class InputError(Exception):
    """Input that is well-formed but contradicts what is stored; ``errors`` maps field to message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class DuplicateError(InputError):
    """The contact is already recorded as ``event_id`` (None: given twice in one batch).

    The same date, end date, pair, channel and status make the same contact; deleted events
    count too, so that a deleted contact is restored rather than entered again.
    """

    def __init__(self, event_id: int | None = None, *, deleted: bool = False) -> None:
        self.event_id = event_id
        self.deleted = deleted
        if event_id is None:
            message = "this contact is given twice: the same date, sides, channel and status"
        else:
            where = " (deleted: restore it from the deleted events)" if deleted else ""
            message = (
                f"this contact is already recorded as event {event_id}{where}: "
                "the same date, end date, sides, channel and status"
            )
        super().__init__({"date": message})
        self.message = message


class BatchError(InputError):
    """Items of a batch that contradict what is stored: ``items`` maps item index to its error.

    ``errors`` (as in ``InputError``) holds the first bad item's fields.
    """

    def __init__(self, items: Mapping[int, InputError]) -> None:
        super().__init__(next(iter(items.values())).errors)
        self.items = dict(items)


class StaleError(InputError):
    """The event changed since the version an edit was based on (someone else saved meanwhile)."""

    def __init__(self, event_id: int, current: int) -> None:
        self.event_id = event_id
        self.current = current
        self.message = (
            f"event {event_id} was changed by someone else since you opened it (it is now at version {current}): "
            "nothing was saved; review their change below and make yours again"
        )
        super().__init__({"version": self.message})
