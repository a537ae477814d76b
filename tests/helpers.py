"""Helpers the tests share: example events, reading figures and tables out of pages, CSV files."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from flask.testing import FlaskClient

from tracker.csvio import COLUMNS
from tracker.models import ApiToken, User
from tracker.store import users

# Tests hash passwords with argon2's cheapest parameters: the same code, a hundredth of the time.
users.use_hasher(PasswordHasher.from_parameters(CHEAPEST))

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: Set to a postgresql+psycopg:// URL to run the suite on PostgreSQL instead of SQLite files.
POSTGRES_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")

#: The editor every test's ``client`` is logged in as (user 1), their password and API token.
EDITOR = "Test Editor"
EDITOR_PASSWORD = "correct horse battery"
EDITOR_TOKEN = "ctt_test-editor-token-0123456789abcdef"


def add_editor(
    engine: sa.Engine, *, name: str = EDITOR, role: str = "editor", token: str = EDITOR_TOKEN
) -> None:
    """Make sure user ``name`` exists (with ``EDITOR_PASSWORD``) and holds ``token``."""
    user_table = User.__table__  # type: ignore[attr-defined]
    token_table = ApiToken.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        user_id = connection.execute(sa.select(user_table.c.id).where(user_table.c.name == name)).scalar()
        if user_id is None:
            user_id = connection.execute(
                user_table.insert().values(
                    name=name,
                    password_hash=users._hasher.hash(EDITOR_PASSWORD),
                    role=role,
                    active=True,
                    created_at=dt.datetime.now(dt.UTC),
                )
            ).inserted_primary_key[0]
        digest = hashlib.sha256(token.encode()).hexdigest()
        if (
            connection.execute(sa.select(token_table.c.id).where(token_table.c.digest == digest)).first()
            is None
        ):
            connection.execute(
                token_table.insert().values(
                    user_id=user_id,
                    label="tests",
                    digest=digest,
                    prefix=token[:12],
                    created_at=dt.datetime.now(dt.UTC),
                )
            )


def log_in(client: FlaskClient, user_id: int = 1) -> None:
    """Log ``client`` in as user ``user_id`` (the session a successful login leaves)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True


#: The day the tests' app takes for today (``AS_OF`` in its config): no test reads the clock.
AS_OF = dt.date(2026, 12, 2)

SECDEF = "US Secretary of Defense – Russian Minister of Defence"
CHAIRMAN = "US Chairman of the Joint Chiefs of Staff – Russian Chief of the General Staff"

#: A complete, valid event in the field names of the CSV contract (without ``id``).
EXAMPLE_EVENT: dict[str, str] = {
    "date": "2023-03-15",
    "date_end": "",
    "date_precision": "day",
    "official_a": "Lloyd Austin",
    "role_a": "US Secretary of Defense",
    "country_a": "US",
    "official_b": "Sergei Shoigu",
    "role_b": "Russian Minister of Defence",
    "country_b": "Russia",
    "channel": "phone",
    "status": "held",
    "initiated_by": "Lloyd Austin",
    "summary": "Discussed the MQ-9 drone downed over the Black Sea.",
    "source_url": "https://www.defense.gov/News/Releases/",
    "source_publisher": "U.S. Department of Defense",
    "source_date": "2023-03-15",
}


def valid_form(**overrides: str) -> dict[str, str]:
    """A complete, valid add-event form (the initiator given as side "a"); ``overrides`` replace fields."""
    return {**EXAMPLE_EVENT, "initiated_by": "a", **overrides}


def event(**overrides: str) -> dict[str, str]:
    """A valid row of an events file; ``overrides`` replace cells."""
    return {"id": "", **EXAMPLE_EVENT, **overrides}


def make_csv(
    rows: Sequence[dict[str, str]], columns: Sequence[str] = COLUMNS, newline: str = "\r\n"
) -> bytes:
    """An events file of ``rows`` (dicts by column), header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def figure(page: str, element_id: str) -> dict[str, Any]:
    """The Plotly figure a page holds for the chart ``element_id``."""
    match = re.search(rf'<script type="application/json" id="{element_id}-figure">(.*?)</script>', page, re.S)
    assert match, f"no figure {element_id}"
    assert f'id="{element_id}" class="chart" data-figure="{element_id}-figure"' in page
    found: dict[str, Any] = json.loads(match.group(1))
    return found


def table_rows(page: str) -> list[str]:
    """The text of each row of a page's pair table."""
    rows = re.findall(r'<tr data-pair="[^"]+"[^>]*>(.*?)</tr>', page, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in rows]


def lanes_of(fig: dict[str, Any], trace: dict[str, Any]) -> list[str]:
    """The lane (its label) of each point of a timeline trace."""
    label_of = {lane["y"]: lane["label"] for lane in fig["layout"]["meta"]["lanes"]}
    return [label_of[y] for y in trace["y"]]


def trace_named(fig: dict[str, Any], name: str) -> dict[str, Any]:
    """The trace of a figure with this name."""
    found = next((t for t in fig["data"] if t.get("name") == name), None)
    assert found is not None, f"no trace {name!r} in {[t.get('name') for t in fig['data']]}"
    return found
