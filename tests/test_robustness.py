"""Bad input anywhere is a 4xx with a message, never a 500, and writes nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import valid_form
from tracker.db import get_session
from tracker.queries import count_events


@pytest.fixture
def strict_client(seeded: Flask) -> FlaskClient:
    seeded.config["TESTING"] = False  # errors become responses, as in production
    seeded.config["PROPAGATE_EXCEPTIONS"] = False
    return seeded.test_client()


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
