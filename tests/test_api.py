"""The JSON API through HTTP: listing, writing, errors, pair statistics, the OpenAPI document and docs."""

from __future__ import annotations

import csv
import io
import re
from typing import Any, get_args
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import EXAMPLE_EVENT
from tracker.api.openapi import REF_TEMPLATE
from tracker.api.schemas import FilterQuery, Lanes
from tracker.db import get_engine
from tracker.filters import FILTER_PARAMS
from tracker.models import EventCreate
from tracker.store.events import LANES

JSON = "application/json"


def event_body(**overrides: Any) -> dict[str, Any]:
    """A complete, valid event body in the CSV contract's field names; ``overrides`` replace fields."""
    return {**EXAMPLE_EVENT, "date_end": None, **overrides}


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pairs_by_label(client: FlaskClient, query: str = "as_of=2022-06-01") -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/pairs?gaps=true&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {p["label"]: p for p in response.get_json()["items"]}


def total(client: FlaskClient) -> int:
    return int(client.get("/api/events").get_json()["total"])


# Listing -----------------------------------------------------------------------------------


def test_list_returns_the_seed_events_in_date_order(seeded: Flask, client: FlaskClient) -> None:
    response = client.get("/api/events")
    assert response.status_code == 200
    assert response.mimetype == JSON
    page = response.get_json()
    assert page["total"] == 5 and page["page"] == 1 and page["per_page"] == 100
    assert page["next"] is None and page["prev"] is None
    assert [e["date"] for e in page["items"]] == [
        "2022-02-18",
        "2022-02-18",
        "2022-03-01",
        "2022-05-13",
        "2022-05-19",
    ]
    first = page["items"][0]
    assert first["official_a"] == "Lloyd Austin" and first["country_b"] == "Russia"
    assert first["pair_label"] == "Lloyd Austin – Sergei Shoigu"
    hotline = page["items"][2]
    assert (hotline["date_end"], hotline["date_precision"]) == ("2022-05-09", "week")
    assert hotline["initiated_by"] == "U.S. European Command"


@pytest.mark.parametrize(
    ("query", "dates"),
    [
        ("status=held", ["2022-02-18", "2022-02-18", "2022-05-13", "2022-05-19"]),
        ("status=attempted,refused", ["2022-03-01"]),
        ("status=attempted&status=refused", ["2022-03-01"]),
        ("channel=hotline", ["2022-03-01"]),
        ("official=mark+milley", ["2022-02-18", "2022-05-19"]),
        ("from=2022-05-01&status=held", ["2022-05-13", "2022-05-19"]),
        ("to=2022-02-28", ["2022-02-18", "2022-02-18"]),
        # the hotline span runs to May 9, so it is still in a range that starts in April
        ("from=2022-04-01&to=2022-05-14", ["2022-03-01", "2022-05-13"]),
        ("country=nowhere", []),
    ],
)
def test_list_filters_as_on_the_timeline(
    seeded: Flask, client: FlaskClient, query: str, dates: list[str]
) -> None:
    page = client.get(f"/api/events?{query}").get_json()
    assert [e["date"] for e in page["items"]] == dates
    assert page["total"] == len(dates)


def test_list_filters_by_pair_key(seeded: Flask, client: FlaskClient) -> None:
    key = pairs_by_label(client)["Lloyd Austin – Sergei Shoigu"]["pair_key"]
    page = client.get("/api/events", query_string={"pair": key}).get_json()
    assert [e["date"] for e in page["items"]] == ["2022-02-18", "2022-05-13"]
    assert {e["pair_key"] for e in page["items"]} == {key}


def test_list_rejects_bad_parameters_naming_each(seeded: Flask, client: FlaskClient) -> None:
    response = client.get("/api/events?status=maybe&channel=fax&from=someday&page=0&per_page=1001&colour=red")
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["fields"]) == {"status", "channel", "from", "page", "per_page", "colour"}
    assert "maybe" in body["fields"]["status"]
    assert body["error"]


def test_links_are_built_from_the_configuration_not_the_host_header(
    seeded: Flask, client: FlaskClient
) -> None:
    spoofed = client.get("/api/events?per_page=2", headers={"Host": "evil.example"}).get_json()
    assert "evil.example" not in spoofed["next"]
    created = client.post("/api/events", json=event_body(), headers={"Host": "evil.example"})
    assert created.status_code == 201 and "evil.example" not in created.headers["Location"]
    seeded.config["PUBLIC_URL"] = "https://tracker.example.org/"
    page = client.get("/api/events?per_page=2", headers={"Host": "evil.example"}).get_json()
    assert page["next"].startswith("https://tracker.example.org/api/events?")


def test_pages_link_to_each_other_and_keep_the_filters(seeded: Flask, client: FlaskClient) -> None:
    first = client.get("/api/events?status=held&per_page=3").get_json()
    assert (first["total"], len(first["items"]), first["prev"]) == (4, 3, None)
    # a path: the Host header a client sends never makes the links (see PUBLIC_URL below)
    assert first["next"].startswith("/api/events?")
    second = client.get(path_of(first["next"])).get_json()
    assert [e["date"] for e in second["items"]] == ["2022-05-19"]
    assert second["page"] == 2 and second["next"] is None
    assert all(e["status"] == "held" for e in second["items"])
    back = client.get(path_of(second["prev"])).get_json()
    assert back["items"] == first["items"]
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert len(set(ids)) == 4


def test_a_page_past_the_end_is_empty_and_points_back(seeded: Flask, client: FlaskClient) -> None:
    page = client.get("/api/events?per_page=2&page=9").get_json()
    assert page["items"] == [] and page["total"] == 5 and page["next"] is None
    assert "page=3" in page["prev"]


def test_pages_of_a_post_pair(seeded: Flask, client: FlaskClient) -> None:
    pairs = pairs_by_label(client, "as_of=2022-06-01&lanes=post")
    key = next(p["pair_key"] for label, p in pairs.items() if "US Secretary of Defense" in label)
    page = client.get("/api/events", query_string={"pair": key, "per_page": 1, "lanes": "post"}).get_json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["next"]
    rest = client.get(path_of(page["next"])).get_json()
    assert [e["date"] for e in page["items"] + rest["items"]] == ["2022-02-18", "2022-05-13"]


# One event -----------------------------------------------------------------------------------


def test_get_one_event(seeded: Flask, client: FlaskClient) -> None:
    event = client.get("/api/events/5").get_json()
    assert event["id"] == 5 and event["date"] == "2022-05-19"
    assert event["official_a"] == "Mark Milley" and event["official_b"] == "Valery Gerasimov"
    assert set(EventCreate.model_fields) < set(event)


@pytest.mark.parametrize("path", ["/api/events/99", "/api/events/99999999999999999999", "/api/events/abc"])
def test_unknown_event_is_a_json_404(seeded: Flask, client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == JSON
    assert set(response.get_json()) == {"error", "fields"}


# Creating --------------------------------------------------------------------------------------


def test_create_answers_201_with_location_and_the_event(seeded: Flask, client: FlaskClient) -> None:
    response = client.post("/api/events", json=event_body())
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["date"] == "2023-03-15" and created["initiated_by"] == "Lloyd Austin"
    assert created["pair_label"] == "Lloyd Austin – Sergei Shoigu"
    location = response.headers["Location"]
    assert path_of(location) == f"/api/events/{created['id']}"
    assert created.pop("warnings") == []  # what the write noticed (none here)
    assert client.get(path_of(location)).get_json() == created
    assert total(client) == 6
    history = client.get(f"/api/events/{created['id']}/history").get_json()
    assert [c["action"] for c in history["items"]] == ["created"]


def test_a_created_event_is_in_the_csv_download(seeded: Flask, client: FlaskClient) -> None:
    created = client.post("/api/events", json=event_body(summary="Via the API, with a comma")).get_json()
    rows = list(csv.DictReader(io.StringIO(client.get("/events.csv").get_data(as_text=True))))
    row = next(r for r in rows if r["id"] == str(created["id"]))
    assert row["summary"] == "Via the API, with a comma"
    assert (row["date"], row["official_b"], row["initiated_by"]) == (
        "2023-03-15",
        "Sergei Shoigu",
        "Lloyd Austin",
    )


def test_create_with_a_new_official_and_blank_optional_fields(seeded: Flask, client: FlaskClient) -> None:
    body = event_body(
        official_b="Jane Roe", country_b="Russia", initiated_by=None, date_end="", source_date=None
    )
    response = client.post("/api/events", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert (created["initiated_by"], created["date_end"], created["source_date"]) == ("", None, None)
    names = [o["name"] for o in client.get("/api/officials").get_json()["items"]]
    assert names.count("Jane Roe") == 1


def test_creating_the_same_contact_twice_is_a_409(seeded: Flask, client: FlaskClient) -> None:
    assert client.post("/api/events", json=event_body()).status_code == 201
    # the same date, pair (either way round), channel and status; the summary does not matter
    twin = event_body(
        official_a="Sergei Shoigu",
        country_a="Russia",
        role_a="",
        official_b="Lloyd Austin",
        country_b="US",
        role_b="",
        summary="Another report of the same call.",
    )
    response = client.post("/api/events", json=twin)
    assert response.status_code == 409
    assert "already" in response.get_json()["error"]
    assert total(client) == 6
    # a different status is a different event
    assert client.post("/api/events", json=event_body(status="refused", initiated_by="")).status_code == 201


def test_a_deleted_twin_is_a_409_that_says_restore(seeded: Flask, client: FlaskClient) -> None:
    created = client.post("/api/events", json=event_body()).get_json()
    assert client.delete(f"/api/events/{created['id']}").status_code == 204
    response = client.post("/api/events", json=event_body())
    assert response.status_code == 409
    assert "restore" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", "date=2023-03-15"),
        ("text/plain", '{"date": "2023-03-15"}'),
        (None, '{"date": "2023-03-15"}'),
    ],
)
def test_a_body_that_is_not_json_is_a_415(
    seeded: Flask, client: FlaskClient, content_type: str | None, data: str
) -> None:
    response = client.post("/api/events", data=data, content_type=content_type)
    assert response.status_code == 415
    assert response.mimetype == JSON and "application/json" in response.get_json()["error"]
    assert total(client) == 5


@pytest.mark.parametrize("data", ['{"date": "2023-03-15",', "", b"\xff\xfe{}"])
def test_malformed_json_is_a_400(seeded: Flask, client: FlaskClient, data: str | bytes) -> None:
    response = client.post("/api/events", data=data, content_type=JSON)
    assert response.status_code == 400
    assert response.get_json()["error"] == "the body is not valid JSON"
    assert total(client) == 5


@pytest.mark.parametrize("data", ["[]", '"an event"', "null"])
def test_json_that_is_not_an_object_is_a_422(seeded: Flask, client: FlaskClient, data: str) -> None:
    response = client.post("/api/events", data=data, content_type=JSON)
    assert response.status_code == 422
    assert "object" in response.get_json()["error"]


def test_422_names_every_bad_field(seeded: Flask, client: FlaskClient) -> None:
    body = event_body(
        date="2022-02-30",
        date_end="next week",
        source_date=20230315,
        channel="fax",
        status="",
        official_a="",
        summary=42,
        source_url="ftp://example.org/readout",
        initiated_by="",
        colour="red",
    )
    del body["official_b"]
    response = client.post("/api/events", json=body)
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {
        "date",
        "date_end",
        "source_date",
        "channel",
        "status",
        "official_a",
        "official_b",
        "summary",
        "source_url",
        "colour",
    }
    assert fields["official_b"] == "is required"
    assert fields["colour"] == "unknown field"
    assert "http" in fields["source_url"]
    assert total(client) == 5


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_end": "2023-03-01"}, "date_end"),
        ({"initiated_by": "Valery Gerasimov"}, "initiated_by"),
        ({"official_b": "lloyd austin"}, "official_b"),
        ({"date": None}, "date"),
        # checked by the write path (queries.InputError), as for the form
        ({"official_b": "Jane Roe", "country_b": "", "initiated_by": ""}, "country_b"),
        ({"country_b": "US"}, "country_b"),
    ],
)
def test_422_for_what_only_the_whole_event_or_the_database_can_tell(
    seeded: Flask, client: FlaskClient, overrides: dict[str, Any], field: str
) -> None:
    response = client.post("/api/events", json=event_body(**overrides))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.get_json()["fields"]) == [field]
    assert total(client) == 5


def test_read_only_fields_of_an_answer_may_be_sent_back(seeded: Flask, client: FlaskClient) -> None:
    event = client.get("/api/events/1").get_json()
    response = client.put("/api/events/1", json={**event, "summary": "Edited after a round trip."})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {**event, "summary": "Edited after a round trip."}


# Changing, deleting, restoring ----------------------------------------------------------------


def test_put_replaces_the_event_and_records_each_change(seeded: Flask, client: FlaskClient) -> None:
    before = client.get("/api/events/4").get_json()
    body = {k: v for k, v in before.items() if k in EventCreate.model_fields}
    body.update(date="2022-05-12", channel="video", initiated_by="Lloyd Austin")
    response = client.put("/api/events/4", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    after = response.get_json()
    assert (after["date"], after["channel"], after["initiated_by"]) == ("2022-05-12", "video", "Lloyd Austin")
    assert after["summary"] == before["summary"]
    history = client.get("/api/events/4/history").get_json()["items"]
    assert [c["action"] for c in history] == ["created", "updated"]
    assert history[1]["changes"] == {
        "date": ["2022-05-13", "2022-05-12"],
        "channel": ["phone", "video"],
        "initiated_by": ["", "Lloyd Austin"],
    }
    assert history[1]["changed_at"].endswith("Z") or history[1]["changed_at"].endswith("+00:00")


def test_put_is_a_full_replace_validated_as_create(seeded: Flask, client: FlaskClient) -> None:
    response = client.put("/api/events/4", json={"summary": "only this"})
    assert response.status_code == 422
    assert {"date", "official_a", "official_b", "channel", "status"} <= set(response.get_json()["fields"])
    assert client.get("/api/events/4").get_json()["summary"] != "only this"


def test_patch_merges_the_given_fields(seeded: Flask, client: FlaskClient) -> None:
    before = client.get("/api/events/5").get_json()
    response = client.patch(
        "/api/events/5", json={"summary": "Agreed to keep the lines open.", "role_b": None}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {**before, "summary": "Agreed to keep the lines open.", "role_b": ""}
    changes = client.get("/api/events/5/history").get_json()["items"][-1]["changes"]
    assert set(changes) == {"summary", "role_b"}


def test_patch_validates_the_merged_whole(seeded: Flask, client: FlaskClient) -> None:
    # the hotline refusals were initiated by U.S. European Command: a new side A leaves that dangling
    response = client.patch("/api/events/3", json={"official_a": "Lloyd Austin"})
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["initiated_by"]
    response = client.patch("/api/events/3", json={"date_end": "2022-02-01"})
    assert response.status_code == 422 and "date_end" in response.get_json()["fields"]
    assert client.get("/api/events/3").get_json()["date_end"] == "2022-05-09"


def test_an_edit_that_would_duplicate_another_event_is_a_409(seeded: Flask, client: FlaskClient) -> None:
    # event 1 is Austin–Shoigu on Feb 18; moving event 4 (Austin–Shoigu on May 13) onto that date doubles it
    response = client.patch("/api/events/4", json={"date": "2022-02-18"})
    assert response.status_code == 409
    assert client.get("/api/events/4").get_json()["date"] == "2022-05-13"
    # an event is not a duplicate of itself
    assert client.patch("/api/events/4", json={"date": "2022-05-13"}).status_code == 200


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_changing_an_unknown_event_is_a_404(seeded: Flask, client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/api/events/99", json=event_body())
    assert response.status_code == 404
    assert response.get_json()["error"] == "no event 99"


def test_delete_then_restore(seeded: Flask, client: FlaskClient) -> None:
    response = client.delete("/api/events/2")
    assert response.status_code == 204 and response.data == b""
    gone = client.get("/api/events/2")
    assert gone.status_code == 404 and "deleted" in gone.get_json()["error"]
    assert 2 not in [e["id"] for e in client.get("/api/events").get_json()["items"]]
    assert client.delete("/api/events/2").status_code == 404
    assert client.patch("/api/events/2", json={"summary": "x"}).status_code == 404

    restored = client.post("/api/events/2/restore")
    assert restored.status_code == 200
    assert restored.get_json()["id"] == 2 and restored.get_json()["official_a"] == "Mark Milley"
    assert client.get("/api/events/2").status_code == 200
    assert client.post("/api/events/2/restore").status_code == 409
    assert client.post("/api/events/99/restore").status_code == 404
    actions = [c["action"] for c in client.get("/api/events/2/history").get_json()["items"]]
    assert actions == ["created", "deleted", "restored"]


def test_history_of_an_unknown_event_is_a_404(seeded: Flask, client: FlaskClient) -> None:
    assert client.get("/api/events/99/history").status_code == 404


# Officials and pairs --------------------------------------------------------------------------


def test_officials_with_their_posts(seeded: Flask, client: FlaskClient) -> None:
    officials = {o["name"]: o for o in client.get("/api/officials").get_json()["items"]}
    assert officials["Mark Milley"] == {
        "name": "Mark Milley",
        "country": "United States",
        "role": "US Chairman of the Joint Chiefs of Staff",
    }
    assert officials["Sergei Shoigu"]["country"] == "Russia"


def test_pairs_with_their_gaps(seeded: Flask, client: FlaskClient) -> None:
    pairs = pairs_by_label(client, "as_of=2022-06-01")
    austin = pairs["Lloyd Austin – Sergei Shoigu"]
    assert (austin["held"], austin["attempts"], austin["refusals"]) == (2, 0, 0)
    assert austin["last_contact"] == "2022-05-13"
    assert (austin["silence_min_days"], austin["silence_max_days"]) == (19, 19)
    gap = austin["longest_gap"]
    assert (gap["start"], gap["end"], gap["min_days"], gap["max_days"]) == (
        "2022-02-18",
        "2022-05-13",
        84,
        84,
    )
    assert gap["label"] == "84 days"
    assert austin["gaps"] == [gap]
    assert (austin["median_gap_min"], austin["median_gap_max"]) == (84, 84)

    milley = pairs["Mark Milley – Valery Gerasimov"]
    assert milley["longest_gap"]["min_days"] == milley["longest_gap"]["max_days"] == 90
    assert milley["silence_min_days"] == 13

    hotline = next(p for label, p in pairs.items() if "U.S. European Command" in label)
    assert (hotline["held"], hotline["refusals"], hotline["last_contact"]) == (0, 1, None)
    assert hotline["silence_min_days"] is None and hotline["gaps"] == [] and hotline["longest_gap"] is None
    # the most recently active pair comes first
    assert next(iter(pairs)) == "Mark Milley – Valery Gerasimov"


def test_post_pairs_run_across_holders(seeded: Flask, client: FlaskClient) -> None:
    body = event_body(
        date="2024-07-12",
        official_a="Lloyd Austin",
        official_b="Andrei Belousov",
        country_b="Russia",
        role_b="Russian Minister of Defence",
        initiated_by="",
    )
    assert client.post("/api/events", json=body).status_code == 201
    pairs = pairs_by_label(client, "as_of=2024-08-01&lanes=post")
    defense = next(p for label, p in pairs.items() if "US Secretary of Defense" in label)
    assert [g["end"] for g in defense["gaps"]] == ["2022-05-13", "2024-07-12"]
    by_person = pairs_by_label(client, "as_of=2024-08-01")
    assert (
        "Lloyd Austin – Sergei Shoigu" in by_person
        and len(by_person["Lloyd Austin – Sergei Shoigu"]["gaps"]) == 1
    )


def test_a_pairs_gaps_are_paged_latest_first(seeded: Flask, client: FlaskClient) -> None:
    for day in ("2024-07-12", "2025-03-01"):
        body = event_body(
            date=day,
            official_a="Lloyd Austin",
            official_b="Andrei Belousov",
            country_b="Russia",
            role_b="Russian Minister of Defence",
            initiated_by="",
        )
        assert client.post("/api/events", json=body).status_code == 201
    pairs = pairs_by_label(client, "as_of=2025-08-01&lanes=post")
    key = next(p for label, p in pairs.items() if "US Secretary of Defense" in label)["pair_key"]
    first = client.get(f"/api/pairs/{key}/gaps?per_page=2").get_json()
    assert (first["pair_key"], first["total"], first["page"], first["prev"]) == (key, 3, 1, None)
    assert [g["end"] for g in first["items"]] == ["2025-03-01", "2024-07-12"]
    assert first["items"][1]["label"] == "791 days"
    second = client.get(first["next"]).get_json()
    assert [g["end"] for g in second["items"]] == ["2022-05-13"] and second["next"] is None
    assert client.get(second["prev"]).get_json() == first
    # the same gaps as /api/pairs?gaps=true gives all at once
    assert sorted(g["end"] for g in first["items"] + second["items"]) == [
        g["end"] for g in pairs[next(k for k in pairs if "US Secretary of Defense" in k)]["gaps"]
    ]
    missing = client.get("/api/pairs/999:998/gaps")
    assert missing.status_code == 404 and missing.is_json
    assert client.get("/api/pairs/not-a-key/gaps").status_code == 404
    assert set(client.get(f"/api/pairs/{key}/gaps?per_page=0&x=1").get_json()["fields"]) == {"per_page", "x"}


def test_pairs_reject_bad_parameters(seeded: Flask, client: FlaskClient) -> None:
    response = client.get("/api/pairs?as_of=yesterday&lanes=desks&x=1")
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"as_of", "lanes", "x"}


def test_an_empty_database_has_no_pairs_and_no_events(client: FlaskClient) -> None:
    assert client.get("/api/pairs").get_json()["items"] == []
    assert client.get("/api/events").get_json() == {
        "items": [],
        "page": 1,
        "per_page": 100,
        "total": 0,
        "next": None,
        "prev": None,
    }


# Errors outside the views, and CSRF ---------------------------------------------------------------


def test_unknown_addresses_and_methods_under_api_are_json(client: FlaskClient) -> None:
    response = client.get("/api/nothing/here")
    assert response.status_code == 404 and response.mimetype == JSON
    assert set(response.get_json()) == {"error", "fields"}
    response = client.delete("/api/officials")
    assert response.status_code == 405 and response.mimetype == JSON
    assert set(response.get_json()) == {"error", "fields"}
    assert "GET" in response.headers["Allow"]
    response = client.post("/api/pairs", json={})
    assert response.status_code == 405 and response.get_json()["error"]


def test_the_api_takes_json_without_a_csrf_token(app: Flask, seeded: Flask, client: FlaskClient) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/events/new", data={}).status_code == 400  # the form still needs its token
    assert client.post("/api/events", json=event_body()).status_code == 201


# The OpenAPI document and the docs page -------------------------------------------------------


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule)


def refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(v) for v in node))
    return set()


def test_openapi_lists_every_api_route_and_method(app: Flask, client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(rules) >= 12
    for rule in rules:
        path = openapi_path(rule.rule)
        assert path in doc["paths"], path
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][path].get(method.lower())
            assert operation is not None, f"{method} {path}"
            assert operation["summary"] and operation["responses"]
    documented = {(p, m) for p, ops in doc["paths"].items() for m in ops}
    assert len(documented) == sum(len((r.methods or set()) - {"HEAD", "OPTIONS"}) for r in rules)


def test_openapi_is_generated_from_the_models(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    generated = EventCreate.model_json_schema(ref_template=REF_TEMPLATE)
    generated.pop("$defs", None)
    assert schemas["EventCreate"] == generated
    assert set(schemas["EventPublic"]["properties"]) == set(EventCreate.model_fields) | {
        "id",
        "pair_key",
        "pair_label",
        "sources",
    }
    # every reference resolves
    for ref in refs(doc):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    create = doc["paths"]["/api/events"]["post"]
    assert create["requestBody"]["content"][JSON]["schema"] == {"$ref": "#/components/schemas/EventBody"}
    body = schemas["EventBody"]["properties"]
    assert set(EventCreate.model_fields) | {"confirm_new", "corroborates", "separate", "sources"} == set(body)
    assert {"201", "400", "409", "415", "422"} <= set(create["responses"])
    assert "Location" in create["responses"]["201"]["headers"]
    listing = doc["paths"]["/api/events"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"from", "to", "country", "official", "pair", "channel", "status", "page", "per_page"} <= names
    one = doc["paths"]["/api/events/{event_id}"]
    assert set(one) == {"get", "put", "patch", "delete"}
    assert one["delete"]["parameters"][0] == {
        "name": "event_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    }
    assert "404" in one["get"]["responses"] and "204" in one["delete"]["responses"]


def test_the_example_body_in_the_document_is_accepted(seeded: Flask, client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    example = doc["paths"]["/api/events"]["post"]["requestBody"]["content"][JSON]["example"]
    response = client.post("/api/events", json={**example, "date": "2022-06-01"})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_docs_page_shows_every_endpoint_from_the_document(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for path, operations in doc["paths"].items():
        for method in operations:
            assert f"<code>{method.upper()} {path}</code>" in page, f"{method} {path}"
    for name in doc["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert "curl -X POST &#39;http://localhost/api/events&#39;" in page
    assert "-H &#39;Content-Type: application/json&#39;" in page
    assert not re.search(r'<script[^>]+src="https?://', page)  # nothing from a CDN


def test_the_documented_parameters_are_the_ones_read() -> None:
    assert [f.alias or name for name, f in FilterQuery.model_fields.items()] == list(FILTER_PARAMS)
    assert set(get_args(Lanes)) == set(LANES)


def test_an_edit_reads_the_posts_and_tenures_once(seeded: Flask, client: FlaskClient) -> None:
    statements: list[str] = []
    with seeded.app_context():
        engine = get_engine()

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()).lower())

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.patch("/api/events/4", json={"summary": "Agreed to keep talking."})
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    tenure_reads = [s for s in statements if s.startswith("select") and "from tenure" in s]
    assert len(tenure_reads) == 1, tenure_reads
