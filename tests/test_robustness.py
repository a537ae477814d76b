"""Bad input anywhere is a 4xx with a message, never a 500, and writes nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import EDITOR_TOKEN, log_in, valid_form
from tracker.db import get_session
from tracker.store.events import count_events


@pytest.fixture
def strict_client(seeded: Flask) -> FlaskClient:
    seeded.config["TESTING"] = False  # errors become responses, as in production
    seeded.config["PROPAGATE_EXCEPTIONS"] = False
    client = seeded.test_client()
    log_in(client)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EDITOR_TOKEN}"
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/events/99999999999999999999",
        "/events/0",
        "/events/99999999999999999999/edit",
        "/officials/99999999999999999",
        "/context/99999999999999/edit",
        "/pairs/p98-p99",
        "/pairs/%00",
        "/no/such/page",
    ],
)
def test_unknown_things_are_404_pages(strict_client: FlaskClient, url: str) -> None:
    response = strict_client.get(url)
    assert response.status_code == 404
    assert "404" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": "0001-01-01", "date_precision": "approximate"}, "date"),
        ({"date": "9999-12-31", "date_precision": "week"}, "date"),
        ({"date_end": "2300-01-01"}, "date_end"),
        ({"source_date": "1066-10-14"}, "source_date"),
    ],
)
def test_dates_outside_the_calendar_we_track_are_refused(
    seeded: Flask, strict_client: FlaskClient, overrides: dict[str, str], field: str
) -> None:
    response = strict_client.post("/events/new", data=valid_form(**overrides))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert "must be between 1900-01-01 and 2100-12-31" in response.get_data(as_text=True)
    with seeded.app_context():
        assert count_events(get_session()) == 5
    assert strict_client.get("/").status_code == 200


def test_out_of_range_context_and_tenure_dates_are_refused(strict_client: FlaskClient) -> None:
    assert strict_client.post("/context", data={"date": "0001-01-01", "title": "x"}).status_code == 400
    response = strict_client.post(
        "/officials/1/tenures", data={"post": "P", "country": "US", "start": "0001-01-01"}
    )
    assert response.status_code == 400


def test_post_to_a_get_only_page_is_405(strict_client: FlaskClient) -> None:
    assert strict_client.post("/pairs").status_code == 405


def test_officials_match_whatever_the_case_spacing_or_unicode_form(
    seeded: Flask, strict_client: FlaskClient
) -> None:
    first = valid_form(official_b="Сергей Шойгу", country_b="Russia", role_b="")
    assert strict_client.post("/events/new", data=first).status_code == 302
    again = valid_form(date="2023-04-01", official_b="сергей   шойгу", country_b="", role_b="")
    assert strict_client.post("/events/new", data=again).status_code == 302
    decomposed = valid_form(
        date="2023-05-01", official_b="Jose\u0301 Nu\u0301n\u0303ez", country_b="Spain", role_b=""
    )
    composed = valid_form(date="2023-06-01", official_b="José Núñez", country_b="", role_b="")
    assert strict_client.post("/events/new", data=decomposed).status_code == 302
    assert strict_client.post("/events/new", data=composed).status_code == 302
    names = strict_client.get("/api/officials").get_json()
    listed = [o["name"] for o in (names["items"] if isinstance(names, dict) else names)]
    assert sum(n.casefold() == "сергей шойгу" for n in listed) == 1
    assert sum(n == "José Núñez" for n in listed) == 1
    csv_text = strict_client.get("/events.csv?official=СЕРГЕЙ ШОЙГУ").get_data(as_text=True)
    assert csv_text.count("\r\n") == 3


def test_control_characters_are_refused_by_field(seeded: Flask, strict_client: FlaskClient) -> None:
    response = strict_client.post("/events/new", data=valid_form(summary="a\x00b"))
    assert response.status_code == 400
    assert 'id="summary-error"' in response.get_data(as_text=True)
    api = strict_client.patch("/api/events/1", json={"summary": "x\u0000y"})
    assert api.status_code == 422
    assert "summary" in api.get_json()["fields"]
    with seeded.app_context():
        assert count_events(get_session()) == 5


def test_the_form_refuses_a_contact_already_recorded(seeded: Flask, strict_client: FlaskClient) -> None:
    same_as_seed = valid_form(date="2022-05-13", summary="the same call, another source")
    response = strict_client.post("/events/new", data=same_as_seed)
    assert response.status_code == 400
    assert "already recorded as event 4" in response.get_data(as_text=True)
    assert strict_client.post("/events/1/delete").status_code == 302
    again = strict_client.post("/events/new", data=valid_form(date="2022-02-18"))
    assert "already recorded as event 1 (deleted: restore it" in again.get_data(as_text=True)
    edit = strict_client.post("/events/4/edit", data=valid_form(date="2022-02-18", initiated_by=""))
    assert edit.status_code == 400 and "already recorded as event 1" in edit.get_data(as_text=True)
    with seeded.app_context():
        assert count_events(get_session()) == 4


def test_api_extremes_are_4xx(strict_client: FlaskClient) -> None:
    assert strict_client.get("/api/events?page=9223372036854775807").status_code == 422
    deep = "[" * 100_000 + "]" * 100_000
    assert strict_client.post("/api/events", data=deep, content_type="application/json").status_code == 400


def test_renaming_a_post_is_validated(strict_client: FlaskClient) -> None:
    too_long = strict_client.post(
        "/posts/1", data={"title": "T" * 300, "country": "US"}, follow_redirects=True
    )
    assert "Not renamed: title" in too_long.get_data(as_text=True)
    clash = strict_client.post(
        "/posts/1", data={"title": "Russian Minister of Defence", "country": "Russia"}, follow_redirects=True
    )
    assert "there is already this post" in clash.get_data(as_text=True)
    ok = strict_client.post(
        "/posts/1", data={"title": "US Secretary of War", "country": "US"}, follow_redirects=True
    )
    assert "Saved post: US Secretary of War (United States)." in ok.get_data(as_text=True)
