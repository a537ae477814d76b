"""Issue 9: one office, one person, one contact — whatever the sources call them."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.helpers import SECDEF, event, make_csv, valid_form
from tracker.db import get_session
from tracker.store import people
from tracker.store.events import list_events

SECDEF_CHINA = "US Secretary of Defense – Chinese Minister of National Defense"


def lanes(app: Flask) -> dict[str, str]:
    """Each event's post lane by date (the last event of a date wins)."""
    with app.app_context():
        return {r.date.isoformat(): r.pair_label for r in list_events(get_session(), lanes="post")}


def api_event(**fields: Any) -> dict[str, Any]:
    """A JSON body for POST /api/events (no initiator unless given); ``fields`` replace or add keys."""
    body: dict[str, Any] = {**event(initiated_by=""), "date_end": None}
    body.pop("id")
    body.update(fields)
    return body


def import_file(runner: FlaskCliRunner, tmp_path: Path, rows: list[dict[str, str]], *options: str) -> Any:
    path = tmp_path / "events.csv"
    path.write_bytes(make_csv(rows))
    return runner.invoke(args=["import-csv", *options, str(path)])


# Posts -------------------------------------------------------------------------------------------


def test_a_variant_of_the_post_held_that_day_is_that_post(
    seeded: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [
        # the 2025 wording: Hegseth's dated tenure makes it the US Secretary of Defense
        event(
            date="2025-09-09",
            official_a="Pete Hegseth",
            role_a="Secretary of Defense (Secretary of War)",
            country_a="US",
            official_b="Dong Jun",
            role_b="Minister of National Defense",
            country_b="China",
            channel="video",
            initiated_by="",
        ),
        event(
            date="2024-05-31",
            official_a="Lloyd Austin",
            role_a="Pentagon chief",
            official_b="Dong Jun",
            role_b="China's defense minister",
            country_b="PRC",
            channel="in_person",
            initiated_by="",
        ),
        # a loose title the reference knows for another office of the same person's country
        event(
            date="2024-04-16",
            official_a="Lloyd Austin",
            role_a="",
            official_b="Dong Jun",
            role_b="",
            country_b="China",
            channel="video",
            initiated_by="",
        ),
    ]
    result = import_file(runner, tmp_path, rows)
    assert result.exit_code == 0, result.output
    found = lanes(seeded)
    assert found["2025-09-09"] == found["2024-05-31"] == found["2024-04-16"] == SECDEF_CHINA
    with seeded.app_context():
        titles = [
            p.title
            for p in __import__("tracker.store.posts", fromlist=["list_posts"]).list_posts(get_session())
        ]
    assert "Secretary of Defense (Secretary of War)" not in titles  # no new post, no split lane


def test_a_merged_post_stays_merged_through_the_next_import(
    seeded: Flask, runner: FlaskCliRunner, client: FlaskClient, tmp_path: Path
) -> None:
    odd = event(
        date="2015-06-01",
        official_a="John Doe",
        role_a="Pentagon Czar",
        country_a="US",
        official_b="Sergei Shoigu",
        role_b="",
        initiated_by="",
    )
    assert import_file(runner, tmp_path, [odd], "--new-names", "new").exit_code == 0
    with seeded.app_context():
        posts = {
            p.title: p.id
            for p in __import__("tracker.store.posts", fromlist=["list_posts"]).list_posts(get_session())
        }
    assert (
        client.post(
            f"/posts/{posts['Pentagon Czar']}/merge", data={"into": posts["Secretary of Defense"]}
        ).status_code
        == 303
    )
    again = event(
        date="2015-07-01",
        official_a="Jane Roe",
        role_a="pentagon czar",
        country_a="United States",
        official_b="Sergei Shoigu",
        role_b="",
        initiated_by="",
    )
    result = import_file(runner, tmp_path, [again], "--new-names", "new")
    assert result.exit_code == 0, result.output
    found = lanes(seeded)
    assert found["2015-07-01"] == found["2015-06-01"] == SECDEF
    with seeded.app_context():
        titles = [
            p.title
            for p in __import__("tracker.store.posts", fromlist=["list_posts"]).list_posts(get_session())
        ]
    assert "pentagon czar" not in [t.casefold() for t in titles]


def test_an_odd_role_does_not_reroute_an_officials_other_events(seeded: Flask, client: FlaskClient) -> None:
    base = {
        "official_a": "Kuzma Prutkov",
        "country_a": "Russia",
        "official_b": "Lloyd Austin",
        "role_b": "",
        "country_b": "",
        "initiated_by": "",
    }
    first = client.post(
        "/events/new", data=valid_form(date="2023-01-10", role_a="Director of Things", **base)
    )
    assert first.status_code == 302
    odd = client.post(
        "/events/new",
        data=valid_form(date="2023-02-10", role_a="Chief Thingummy", decide_role_a="new", **base),
    )
    assert odd.status_code == 302, odd.get_data(as_text=True)
    plain = client.post("/events/new", data=valid_form(date="2023-03-10", role_a="", **base))
    assert plain.status_code == 302
    found = lanes(seeded)
    # the role-less event stays with the first post recorded, not with the latest odd wording
    assert found["2023-03-10"] == found["2023-01-10"] != found["2023-02-10"]


# Officials ---------------------------------------------------------------------------------------


def test_transliterations_and_nicknames_are_one_official(
    seeded: Flask, runner: FlaskCliRunner, tmp_path: Path, client: FlaskClient
) -> None:
    before = len(
        people.list_officials.__wrapped__(seeded) if hasattr(people.list_officials, "__wrapped__") else []
    )
    rows = [
        event(date="2022-10-21", official_b="Sergey Shoygu", initiated_by=""),
        event(
            date="2017-08-01",
            official_a="Joe Dunford",
            role_a="",
            official_b="Valery Gerasimov",
            role_b="",
            initiated_by="",
        ),
        event(
            date="2016-03-01",
            official_a="Ash Carter",
            role_a="",
            official_b="Chang Wan-quan",
            role_b="",
            country_b="China",
            initiated_by="",
        ),
    ]
    result = import_file(runner, tmp_path, rows)
    assert result.exit_code == 0, result.output
    assert "(0 new officials)" in result.output
    with seeded.app_context():
        events = {e.date.isoformat(): e for e in list_events(get_session())}
    assert events["2022-10-21"].official_b == "Sergei Shoigu"
    assert events["2017-08-01"].official_a == "Joseph Dunford"
    assert (events["2016-03-01"].official_a, events["2016-03-01"].official_b) == (
        "Ashton Carter",
        "Chang Wanquan",
    )
    assert before == 0
    # the API and the form find them too
    assert (
        client.post("/api/events", json=api_event(date="2022-10-23", official_b="Sergey Shoygu")).status_code
        == 201
    )


def test_a_misspelt_name_is_never_a_silent_new_official(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    # the API answers with suggestions unless the request confirms the new name
    response = client.post("/api/events", json=api_event(date="2023-06-01", official_a="Lloyd Austn"))
    assert response.status_code == 422
    body = response.get_json()
    assert (
        body["suggestions"] == {"official_a": ["Lloyd Austin"]}
        and "did you mean" in body["fields"]["official_a"]
    )
    confirmed = client.post(
        "/api/events", json=api_event(date="2023-06-01", official_a="Lloyd Austn", confirm_new=True)
    )
    assert confirmed.status_code == 201 and confirmed.get_json()["official_a"] == "Lloyd Austn"
    # the form asks, and remembers the answer as a spelling
    asked = client.post("/events/new", data=valid_form(date="2023-07-01", official_a="Lloyd Austinn"))
    assert asked.status_code == 400
    html = asked.get_data(as_text=True)
    assert "did you mean “Lloyd Austin”" in html and 'value="use:Lloyd Austin"' in html
    chosen = client.post(
        "/events/new",
        data=valid_form(date="2023-07-01", official_a="Lloyd Austinn", decide_official_a="use:Lloyd Austin"),
    )
    assert chosen.status_code == 302
    with seeded.app_context():
        assert people.find_official(get_session(), "Lloyd Austinn").name == "Lloyd Austin"  # type: ignore[union-attr]
    # an import reads a sure misspelling as the recorded name and says so
    result = import_file(
        runner, tmp_path, [event(date="2023-08-01", official_b="Sergei Shoigo", initiated_by="")]
    )
    assert result.exit_code == 0, result.output
    assert "read official 'Sergei Shoigo' as 'Sergei Shoigu'" in result.output


def test_a_close_but_not_surely_misspelt_name_stops_the_import_until_decided(
    seeded: Flask, runner: FlaskCliRunner, tmp_path: Path, client: FlaskClient
) -> None:
    row = event(
        date="2023-03-01",
        official_a="Lloyd Austin",
        official_b="Wang Yii",
        role_b="",
        country_b="China",
        initiated_by="",
    )
    result = import_file(runner, tmp_path, [row])
    assert result.exit_code == 1
    assert "new official 'Wang Yii' (China) is close to recorded 'Wang Yi'" in result.stderr
    with seeded.app_context():
        assert people.find_official(get_session(), "Wang Yii") is None
    # the web preview lists it with its closest match, and confirm wants a choice
    preview = client.post(
        "/import", data={"file": (io.BytesIO(make_csv([row])), "e.csv")}, content_type="multipart/form-data"
    )
    html = preview.get_data(as_text=True)
    assert 'class="needs-choice"' in html and "Wang Yi" in html
    chosen = import_file(runner, tmp_path, [row], "--new-names", "closest")
    assert chosen.exit_code == 0, chosen.output
    with seeded.app_context():
        assert people.find_official(get_session(), "Wang Yii").name == "Wang Yi"  # type: ignore[union-attr]


def test_invisible_characters_are_removed_and_look_alikes_refused(seeded: Flask, client: FlaskClient) -> None:
    ok = client.post("/events/new", data=valid_form(date="2023-09-01", official_b="Sergei\u200b Shoigu"))
    assert ok.status_code == 302
    with seeded.app_context():
        assert [e.official_b for e in list_events(get_session()) if e.date.isoformat() == "2023-09-01"] == [
            "Sergei Shoigu"
        ]
    look_alike = client.post(
        "/events/new", data=valid_form(date="2023-09-02", official_b="Sergei Sh\u043eigu")
    )
    assert look_alike.status_code == 400 and "mixes Cyrillic and Latin letters" in look_alike.get_data(
        as_text=True
    )
    bidi = client.post("/api/events", json=api_event(date="2023-09-03", official_b="Sergei \u202eugiohS"))
    assert bidi.status_code == 422 and "text-direction" in bidi.get_json()["fields"]["official_b"]


def test_merging_officials_moves_everything_and_keeps_the_name_as_a_spelling(
    seeded: Flask, client: FlaskClient
) -> None:
    created = client.post(
        "/api/events", json=api_event(date="2023-06-01", official_a="Lloyd Austn", confirm_new=True)
    )
    # the seed's 2022-05-13 call entered again under the misspelt name, deliberately as a contact of its own
    twin = client.post(
        "/api/events",
        json=api_event(
            date="2022-05-13",
            official_a="Lloyd Austn",
            confirm_new=True,
            separate=True,
            source_url="https://www.reuters.com/twin",
            source_publisher="Reuters",
        ),
    )
    assert created.status_code == 201 and twin.status_code == 201, twin.get_json()
    with seeded.app_context():
        session = get_session()
        typo = people.find_official(session, "Lloyd Austn")
        austin = people.find_official(session, "Lloyd Austin")
        assert typo and austin
        typo_id, austin_id = typo.id, austin.id
    response = client.post(
        f"/officials/{typo_id}/merge", data={"into": str(austin_id)}, follow_redirects=True
    )
    assert "Merged Lloyd Austn into Lloyd Austin" in response.get_data(as_text=True)
    with seeded.app_context():
        session = get_session()
        assert people.find_official(session, "Lloyd Austn").id == austin_id  # type: ignore[union-attr]
        events = list_events(session)
    assert all(e.official_a != "Lloyd Austn" for e in events)
    history = client.get(f"/api/events/{created.get_json()['id']}/history").get_json()["items"]
    assert history[-1]["changes"] == {"official": ["Lloyd Austn", "Lloyd Austin"]}
    # the twin became the same contact as event 4: one event, both sources
    assert client.get(f"/api/events/{twin.get_json()['id']}").status_code == 404
    assert [s["source_publisher"] for s in client.get("/api/events/4").get_json()["sources"]] == ["Reuters"]
    # an official with no events can be deleted; one with events cannot
    lonely = client.post("/officials", data={"name": "Nobody Special", "country": "Russia", "kind": "person"})
    lonely_id = lonely.headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/officials/{lonely_id}/delete").status_code == 303
    assert client.get(f"/officials/{lonely_id}").status_code == 404
    refused = client.post(f"/officials/{austin_id}/delete", follow_redirects=True)
    assert "merge them into another official instead" in refused.get_data(as_text=True)


def test_countries_have_one_name_everywhere(seeded: Flask, client: FlaskClient) -> None:
    client.post(
        "/api/events",
        json=api_event(
            date="2023-06-01", official_a="Jane Roe", country_a="U.S.A.", role_a="", initiated_by=""
        ),
    )
    countries = {o["country"] for o in client.get("/api/officials").get_json()["items"]}
    assert "US" not in countries and "U.S.A." not in countries and "United States" in countries
    page = client.get("/").get_data(as_text=True)
    assert '<option value="United States"' in page and '<option value="US"' not in page


# Contacts and their sources -------------------------------------------------------------------------


def test_a_second_report_corroborates_instead_of_duplicating(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    # the seed's 2022-05-13 Austin–Shoigu phone call, reported by another outlet as a video call a day off
    report = event(
        date="2022-05-12",
        date_precision="approximate",
        channel="video",
        initiated_by="",
        summary="Reuters: video call",
        source_url="https://www.reuters.com/world/austin-shoigu",
        source_publisher="Reuters",
        source_date="2022-05-13",
    )
    preview = client.post(
        "/import",
        data={"file": (io.BytesIO(make_csv([report])), "r.csv")},
        content_type="multipart/form-data",
    )
    assert "corroborates event 4" in preview.get_data(as_text=True)
    result = import_file(runner, tmp_path, [report])
    assert result.exit_code == 0 and "1 further source" in result.output, result.output
    got = client.get("/api/events/4").get_json()
    assert [(s["source_publisher"], s["channel"]) for s in got["sources"]] == [("Reuters", "video")]
    pairs = {p["label"]: p for p in client.get("/api/pairs?lanes=post&gaps=true").get_json()["items"]}
    assert [g["label"] for g in pairs[SECDEF]["gaps"]] == ["84 days"]  # no 0-day gap
    # importing it again adds nothing
    again = import_file(runner, tmp_path, [report])
    assert "0 further sources" in again.output and "skip 1 already present" in again.output
    # the API asks, then adds it as a source when told to
    body = api_event(
        date="2022-05-13", channel="video", source_url="https://apnews.com/x", source_publisher="AP"
    )
    asked = client.post("/api/events", json=body)
    assert asked.status_code == 409 and asked.get_json()["corroborates"] == 4
    added = client.post("/api/events", json={**body, "corroborates": 4})
    assert added.status_code == 200 and len(added.get_json()["sources"]) == 2
    separate = client.post(
        "/api/events", json={**body, "source_url": "https://apnews.com/y", "separate": True}
    )
    assert separate.status_code == 201  # deliberately a second contact
    # the form offers the choice
    form = client.post(
        "/events/new",
        data=valid_form(
            date="2022-05-14", date_precision="approximate", channel="other", source_url="https://tass.com/z"
        ),
    )
    assert form.status_code == 409 and 'value="source:4"' in form.get_data(as_text=True)


def test_sources_travel_in_their_own_csv_and_import_back(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    client.post(
        "/api/events/4/sources",
        json={"source_url": "https://www.reuters.com/a", "source_publisher": "Reuters", "channel": "video"},
    )
    text = client.get("/sources.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["event_id"], r["source_publisher"], r["channel"]) for r in rows] == [("4", "Reuters", "video")]
    events_text = client.get("/events.csv").get_data(as_text=True)
    assert (
        "reuters" not in events_text.casefold()
    )  # the events file keeps the contract: the first source only
    # into an empty database: events, then sources
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    from tests.conftest import _config  # noqa: PLC0415
    from tracker import create_app
    from tracker.db import create_schema, get_engine

    other = create_app(_config(f"sqlite:///{fresh / 'db.sqlite3'}"))
    with other.app_context():
        create_schema(get_engine())
    (tmp_path / "e.csv").write_text(events_text, encoding="utf-8")
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    cli = other.test_cli_runner()
    assert cli.invoke(args=["import-csv", str(tmp_path / "e.csv")]).exit_code == 0
    imported = cli.invoke(args=["import-csv", str(tmp_path / "s.csv")])
    assert imported.exit_code == 0, imported.output
    again = other.test_client()
    assert again.get("/sources.csv").get_data(as_text=True) == text
    assert again.get("/events.csv").get_data(as_text=True) == events_text
    with other.app_context():
        get_engine().dispose()


def test_a_contact_in_the_future_is_refused_and_one_outside_a_tenure_is_warned(
    seeded: Flask, client: FlaskClient
) -> None:
    future = client.post("/api/events", json=api_event(date="2027-01-01"))
    assert future.status_code == 422 and "in the future" in future.get_json()["fields"]["date"]
    tomorrow = client.post(
        "/api/events", json=api_event(date="2026-12-03")
    )  # a day of tolerance (time zones)
    assert tomorrow.status_code == 201
    outside = client.post("/api/events", json=api_event(date="2026-06-01", role_a="US Secretary of Defense"))
    assert outside.status_code == 201
    warnings = outside.get_json()["warnings"]
    assert any("Lloyd Austin" in w and "outside the recorded tenure" in w for w in warnings), warnings
    form = client.post("/events/new", data=valid_form(date="2026-07-01"), follow_redirects=True)
    assert "outside the recorded tenure" in form.get_data(as_text=True)


def test_reported_on_or_before_is_a_window_before_the_date(seeded: Flask, client: FlaskClient) -> None:
    # "declined over the past month", reported 2022-06-30
    client.post(
        "/api/events",
        json=api_event(
            date="2022-06-30", date_precision="reported", status="held", role_a="", role_b="", initiated_by=""
        ),
    )
    pairs = {p["label"]: p for p in client.get("/api/pairs?lanes=post&gaps=true").get_json()["items"]}
    gap = pairs[SECDEF]["gaps"][-1]
    assert (gap["min_days"], gap["max_days"]) == (18, 48)  # from 2022-05-13 to somewhere in 2022-05-31..06-30
