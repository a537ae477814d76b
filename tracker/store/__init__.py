"""The database layer: the only code that reads or writes the tables.

``events`` reads contact events; ``writes`` is the one write path of events (form, API, CSV
import and seeds share it) with their history; ``people`` manages officials, posts and tenures;
``context`` context events; ``alerts`` the pairs' alert thresholds; ``assessments`` monthly
assessments of lines; ``rhythms`` pairs' expected schedules and unobserved periods. Functions take the session
first and their other arguments by keyword; a write commits or, on any error, writes nothing.
"""

from __future__ import annotations

from tracker.store.errors import BatchError, DuplicateError, InputError, StaleError

__all__ = ["BatchError", "DuplicateError", "InputError", "StaleError"]
