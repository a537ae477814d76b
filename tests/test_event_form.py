"""The add-event form: every field labelled, happy path, and each kind of invalid input."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import add_editor, log_in, valid_form
from tracker import create_app
from tracker.db import get_session
from tracker.store.events import count_events, list_events


def stored(app: Flask) -> int:
    with app.app_context():
        return count_events(get_session())


def test_form_labels_every_field(client: FlaskClient) -> None:
    html = client.get("/events/new").get_data(as_text=True)
    inputs = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    radios = {i for i in inputs if i.startswith("initiated_by-")}
    assert inputs - radios <= labelled
    assert {"date", "official_a", "official_b", "channel", "status", "source_url"} <= inputs
    # radios are labelled by wrapping labels inside a fieldset with a legend
    for radio in radios:
        assert re.search(rf'<label><input type="radio" id="{radio}"', html)


def test_add_event_redirects_to_timeline_with_message(app: Flask, client: FlaskClient) -> None:
    response = client.post("/events/new", data=valid_form())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/#event-")
    page = client.get("/").get_data(as_text=True)
    assert "Saved: Lloyd Austin – Sergei Shoigu, phone contact (held) on 2023-03-15." in page
    with app.app_context():
        [event] = list_events(get_session())
    assert event.date.isoformat() == "2023-03-15"
    assert event.initiated_by == "Lloyd Austin"
    assert event.role_b == "Russian Minister of Defence"
    assert event.source_publisher == "U.S. Department of Defense"


@pytest.mark.parametrize(
    "written", ["May 19, 2022", "19 May 2022", "2022-05-19", "May 19 2022", "19 may 2022"]
)
def test_dates_in_written_forms(app: Flask, client: FlaskClient, written: str) -> None:
    assert client.post("/events/new", data=valid_form(date=written)).status_code == 302
    with app.app_context():
        [event] = list_events(get_session())
    assert event.date.isoformat() == "2022-05-19"


def test_existing_official_needs_no_country(app: Flask, client: FlaskClient) -> None:
    client.post("/events/new", data=valid_form())
    response = client.post("/events/new", data=valid_form(country_a="", country_b="", date="2023-04-01"))
    assert response.status_code == 302
    assert stored(app) == 2


def test_side_order_does_not_split_a_pair(app: Flask, client: FlaskClient) -> None:
    client.post("/events/new", data=valid_form())
    swapped = valid_form(
        date="2023-04-01",
        official_a="Sergei Shoigu",
        role_a="Russian Minister of Defence",
        country_a="Russia",
        official_b="Lloyd Austin",
        role_b="US Secretary of Defense",
        country_b="US",
    )
    assert client.post("/events/new", data=swapped).status_code == 302
    with app.app_context():
        events = list_events(get_session())
    assert len({e.pair_key for e in events}) == 1
    assert len({e.pair_label for e in events}) == 1
    page = client.get("/").get_data(as_text=True)
    assert page.count('<tr data-pair="') == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": ""}, "date", "is required"),
        ({"date": "last Tuesday"}, "date", "is not a date we can read"),
        ({"date": "2022-02-30"}, "date", "is not a date we can read"),
        ({"date_end": "2023-03-01"}, "date_end", "must not be before the date"),
        ({"source_date": "soon"}, "source_date", "is not a date we can read"),
        ({"official_a": "  "}, "official_a", "is required"),
        ({"official_b": ""}, "official_b", "is required"),
        ({"official_b": "lloyd austin"}, "official_b", "must differ from the first side"),
        ({"channel": "pigeon"}, "channel", "must be"),
        ({"status": "maybe"}, "status", "must be"),
        ({"date_precision": "century"}, "date_precision", "must be"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "must be a web address"),
        ({"source_url": "thehill.com"}, "source_url", "must be a web address"),
        ({"official_a": "New Person", "country_a": ""}, "country_a", "give the country of new official"),
        ({"official_a": "x" * 201}, "official_a", "at most 200 characters"),
    ],
)
def test_invalid_input_is_refused_next_to_the_field(
    app: Flask, client: FlaskClient, overrides: dict[str, str], field: str, message: str
) -> None:
    form = valid_form(**overrides)
    response = client.post("/events/new", data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert error is not None, f"no message next to {field}"
    assert message in error.group(1)
    assert (
        f'aria-describedby="{field}-hint {field}-error"' in html
        or f'aria-describedby="{field}-error"' in html
    )
    # the user's other values come back
    assert 'value="Sergei Shoigu"' in html or overrides.get("official_b") is not None
    assert "Discussed the MQ-9 drone downed over the Black Sea." in html
    assert stored(app) == 0


def test_country_that_contradicts_the_record_is_refused(app: Flask, client: FlaskClient) -> None:
    client.post("/events/new", data=valid_form())
    response = client.post("/events/new", data=valid_form(country_a="France", date="2023-05-01"))
    assert response.status_code == 400
    assert "is recorded with country &#39;United States&#39;, not &#39;France&#39;" in response.get_data(
        as_text=True
    )
    assert stored(app) == 1


def test_bad_input_keeps_typed_values(client: FlaskClient) -> None:
    response = client.post("/events/new", data=valid_form(date="nonsense", official_a="Mark <Milley>"))
    html = response.get_data(as_text=True)
    assert 'value="nonsense"' in html
    assert 'value="Mark &lt;Milley&gt;"' in html
    assert 'value="a" checked' in html


def test_csrf_token_is_required(tmp_path: object) -> None:
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/csrf.sqlite3", "SECRET_KEY": "x"}
    )
    with app.app_context():
        from tracker.db import create_schema, get_engine

        create_schema(get_engine())
        add_editor(get_engine())
    client = app.test_client()
    log_in(client)
    response = client.post("/events/new", data=valid_form())
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    form_page = client.get("/events/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page)
    assert token is not None
    assert client.post("/events/new", data=valid_form(csrf_token=token.group(1))).status_code == 302
