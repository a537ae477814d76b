"""One fact, one place: a new channel or a new event field is one line of code, nothing else.

Each test copies the app, adds the one line, and drives the copy in a fresh interpreter.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run_copy(tmp_path: Path, edit: tuple[str, str, str], script: str) -> dict[str, object]:
    """Copy the app to ``tmp_path``, replace ``edit[1]`` with ``edit[2]`` in file ``edit[0]``, run ``script``."""
    for folder in ("tracker", "templates", "static", "db"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.sqlite3*", "__pycache__")
        )
    path = tmp_path / edit[0]
    text = path.read_text(encoding="utf-8")
    assert edit[1] in text, f"{edit[1]!r} not in {edit[0]}"
    path.write_text(text.replace(edit[1], edit[2], 1), encoding="utf-8")
    prelude = textwrap.dedent(
        f"""
        import json, sys
        from tracker import create_app
        from tracker.db import create_schema, get_engine
        app = create_app({{"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "x",
                           "DATABASE_URL": "sqlite:///{tmp_path / "copy.sqlite3"}"}})
        from tracker.db import get_session
        from tracker.store import users
        with app.app_context():
            create_schema(get_engine())
            editor = users.create_user(get_session(), name="editor", password="a long password")
            token = users.create_token(get_session(), editor.id)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token
        with client.session_transaction() as cookie:
            cookie["_user_id"] = str(editor.id)
        event = {{"date": "2024-07-12", "official_a": "Lloyd Austin", "country_a": "US",
                  "official_b": "Andrei Belousov", "country_b": "Russia", "channel": "phone", "status": "held"}}
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
def test_a_channel_added_to_the_enum_alone_is_recorded_by_the_api_and_drawn(tmp_path: Path) -> None:
    result = _run_copy(
        tmp_path,
        (
            "tracker/vocabulary.py",
            '    other = "other", "other", "hexagon"\n',
            '    other = "other", "other", "hexagon"\n    email = "email"\n',
        ),
        """
        created = client.post("/api/events", json={**event, "channel": "email"})
        page = client.get("/").get_data(as_text=True)
        start = page.index('id="timeline-chart-figure">') + len('id="timeline-chart-figure">')
        figure = json.loads(page[start:page.index("</script>", start)])
        held = next(t for t in figure["data"] if t.get("name") == "held")
        legend = [t["name"] for t in figure["data"] if t.get("legendgroup") == "channels"]
        form = client.get("/events/new").get_data(as_text=True)
        print(json.dumps({"status": created.status_code, "channel": created.get_json().get("channel"),
                          "page": client.get("/").status_code, "symbols": held["marker"]["symbol"],
                          "legend": legend, "in_form": 'value="email"' in form,
                          "filter": client.get("/api/events?channel=email").get_json()["total"]}))
        """,
    )
    assert (result["status"], result["channel"], result["page"]) == (201, "email", 200)
    assert result["symbols"] == ["pentagon"]  # the first spare symbol
    assert result["legend"] == ["email"] and result["in_form"] and result["filter"] == 1


@pytest.mark.slow
def test_a_field_added_to_the_event_base_reaches_the_api_schema_the_api_and_the_csv(tmp_path: Path) -> None:
    anchor = '    source_date: EventDate | None = Field(default=None, description="When the source was published.")\n'
    result = _run_copy(
        tmp_path,
        (
            "tracker/models.py",
            anchor,
            anchor
            + '    confidence: str = Field(default="", max_length=20, description="How sure the sources are.")\n',
        ),
        """
        schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
        created = client.post("/api/events", json={**event, "confidence": "high"})
        csv_text = client.get("/events.csv").get_data(as_text=True).splitlines()
        print(json.dumps({"schemas": {n: "confidence" in s.get("properties", {}) for n, s in schemas.items()
                                      if n in ("EventCreate", "EventPublic", "EventUpdate")},
                          "status": created.status_code, "stored": created.get_json().get("confidence"),
                          "header": csv_text[0], "row": csv_text[1]}))
        """,
    )
    assert result["schemas"] == {"EventCreate": True, "EventPublic": True, "EventUpdate": True}
    assert (result["status"], result["stored"]) == (201, "high")
    assert str(result["header"]).endswith(",source_date,confidence")
    assert str(result["row"]).endswith(",high")
