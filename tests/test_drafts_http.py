"""Issue 13 through HTTP and the CLI: /drafts, POST /api/drafts, the URL path, saving, flask draft."""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tracker.db import get_session
from tracker.store.events import list_events

CORPUS = Path(__file__).parent / "data" / "drafting"
SEED = (CORPUS / "000_seed_thehill.txt").read_text(encoding="utf-8")
TASS = (CORPUS / "014_shoigu_austin_may_tass.txt").read_text(encoding="utf-8")
WEI = (CORPUS / "013_austin_wei_call_readout.txt").read_text(encoding="utf-8")
HTML = Path(__file__).parent / "data" / "drafting_page.html"


def test_api_drafts_the_seed_article_and_matches_the_recorded_events(
    seeded: Flask, client: FlaskClient
) -> None:
    before = client.get("/api/events").get_json()
    response = client.post(
        "/api/drafts",
        json={"text": SEED, "published": "2022-05-19", "url": "https://example.org/a", "publisher": "X"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    items = response.get_json()["items"]
    assert len(items) == 5
    first = items[0]
    assert {
        k: first[k] for k in ("date", "date_precision", "official_a", "official_b", "channel", "status")
    } == {
        "date": "2022-05-19",
        "date_precision": "day",
        "official_a": "Mark Milley",
        "official_b": "Valery Gerasimov",
        "channel": "phone",
        "status": "held",
    }
    assert first["date_phrase"] == "on Thursday"
    assert first["evidence"].startswith("Chairman of the Joint Chiefs of Staff Gen. Mark Milley")
    assert first["source_url"] == "https://example.org/a" and first["source_date"] == "2022-05-19"
    assert all(isinstance(i["matches_event"], int) for i in items)  # the seeds hold all five
    assert client.get("/api/events").get_json() == before  # nothing written


@pytest.mark.parametrize(
    ("kwargs", "status", "field"),
    [
        ({"data": "text", "content_type": "text/plain"}, 415, None),
        ({"data": "{", "content_type": "application/json"}, 400, None),
        ({"json": {"text": "x"}}, 422, "published"),
        ({"json": {"text": "", "published": "2022-05-19"}}, 422, "text"),
        ({"json": {"text": "x", "published": "19 May"}}, 422, "published"),
        ({"json": {"text": "x", "published": "2022-05-19", "when": 1}}, 422, "when"),
    ],
)
def test_api_drafts_errors_name_the_field(
    client: FlaskClient, kwargs: dict[str, object], status: int, field: str | None
) -> None:
    response = client.post("/api/drafts", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]
    if field:
        assert field in body["fields"]


def test_the_openapi_document_describes_drafts(client: FlaskClient) -> None:
    doc = client.get("/api/openapi.json").get_json()
    operation = doc["paths"]["/api/drafts"]["post"]
    assert "requestBody" in operation and "200" in operation["responses"]


def test_the_drafts_page_shows_candidates_with_their_sentence_and_cues(
    seeded: Flask, client: FlaskClient
) -> None:
    page = client.get("/drafts").get_data(as_text=True)
    assert 'name="text"' in page and 'name="url"' in page and "Draft from article" in page
    response = client.post("/drafts", data={"text": SEED, "published": "2022-05-19", "publisher": "The Hill"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<li class="candidate') == 5
    assert '<mark data-field="date" title="date">on Thursday</mark>' in page
    assert '<mark data-field="official_b" title="official b">his Russian counterpart</mark>' in page
    assert "Another report of" in page


def test_the_drafts_page_asks_for_a_date_and_text(client: FlaskClient) -> None:
    response = client.post("/drafts", data={"text": "", "published": "May 19"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "publication date" in page and "paste the article" in page


def _form(client: FlaskClient, text: str, published: str, url: str) -> dict[str, str]:
    """The review form as the page rendered it, every candidate kept."""
    response = client.post(
        "/drafts", data={"text": text, "published": published, "url": url, "publisher": "P"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    save = page[page.index('action="/drafts/save"') :]
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', save))
    for name, value in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>.*?<option value="([^"]*)" selected', save, re.S
    ):
        data[name] = value
    for name in re.findall(r'name="(c\d+-keep)"', save):
        data[name] = "on"
    return {k: html.unescape(v) for k, v in data.items()}


def test_saving_stores_kept_candidates_and_corroborates_recorded_ones(
    seeded: Flask, client: FlaskClient
) -> None:
    data = _form(client, TASS, "2022-05-13", "https://tass.example/austin-shoigu")
    assert int(data["count"]) >= 3
    dropped = [n for n in range(int(data["count"])) if "Department" in data[f"c{n}-official_a"]]
    for n in dropped:
        data.pop(f"c{n}-keep")
    response = client.post("/drafts/save", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    with seeded.app_context():
        rows = list_events(get_session())
    assert len(rows) == 5  # two further sources of recorded contacts, nothing new
    sources = client.get("/api/events").get_json()["items"]
    urls = {s["source_url"] for e in sources for s in e["sources"]}
    assert "https://tass.example/austin-shoigu" in urls

    data = _form(client, WEI, "2022-04-20", "https://defense.example/wei")
    data["c0-channel"] = "video"  # an edit
    assert client.post("/drafts/save", data=data).status_code == 303
    added = [e for e in client.get("/api/events").get_json()["items"] if e["official_b"] == "Wei Fenghe"]
    assert [(e["date"], e["channel"], e["source_url"], e["source_date"]) for e in added] == [
        ("2022-04-20", "video", "https://defense.example/wei", "2022-04-20")
    ]


def test_a_bad_candidate_refuses_the_save_naming_it_and_keeps_the_edits(
    seeded: Flask, client: FlaskClient
) -> None:
    data = _form(client, WEI, "2022-04-20", "https://defense.example/wei")
    data["c0-date"] = "2022-13-40"
    data["c0-official_a"] = "Lloyd J. Austin"
    response = client.post("/drafts/save", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "candidate 1, date" in page
    assert 'value="2022-13-40"' in page and 'value="Lloyd J. Austin"' in page
    with seeded.app_context():
        assert len(list_events(get_session())) == 5


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(app: Flask) -> Iterator[str]:
    """A local web server serving tests/data (a saved article page), in a thread; the app may fetch from it."""
    app.config["DRAFTS_FETCH_PRIVATE"] = True
    handler = functools.partial(_Quiet, directory=str(HTML.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_url_is_fetched_and_its_text_date_and_publisher_drafted(
    seeded: Flask, client: FlaskClient, site: str
) -> None:
    response = client.post(
        "/drafts", data={"url": f"{site}/{HTML.name}", "text": "", "published": "", "publisher": ""}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert 'value="2022-05-19"' in page  # the publication date, from the page
    assert 'value="The Hill"' in page
    assert page.count('<li class="candidate') == 5


def test_fetch_only_fills_the_text_date_and_publisher_for_review(client: FlaskClient, site: str) -> None:
    response = client.post("/drafts", data={"url": f"{site}/{HTML.name}", "action": "fetch"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="2022-05-19"' in page and 'value="The Hill"' in page
    assert "Milley spoke by phone with Valery Gerasimov" in page
    assert '<li class="candidate' not in page


def test_a_failed_fetch_says_why_as_a_400(client: FlaskClient, site: str) -> None:
    response = client.post("/drafts", data={"url": f"{site}/missing.html", "published": "2022-05-19"})
    assert response.status_code == 400
    assert "could not fetch the article: the site answered 404" in response.get_data(as_text=True)
    response = client.post("/drafts", data={"url": "ftp://example.org/a", "published": "2022-05-19"})
    assert response.status_code == 400
    assert "must start with http" in response.get_data(as_text=True)
    response = client.post("/drafts", data={"url": f"{site}/drafting_empty.html", "published": "2022-05-19"})
    assert response.status_code == 400
    assert "no article text" in response.get_data(as_text=True)


def test_the_draft_command_prints_candidates(seeded: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    article = tmp_path / "seed.txt"
    article.write_text(SEED, encoding="utf-8")
    result = runner.invoke(args=["draft", str(article), "--published", "2022-05-19"])
    assert result.exit_code == 0, result.output
    assert "1. 2022-05-19 (day) Mark Milley – Valery Gerasimov: phone, held" in result.output
    assert "date from: less than one week ago" in result.output
    result = runner.invoke(args=["draft", str(article), "--published", "2022-05-19", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["items"]) == 5


def test_a_name_close_to_a_recorded_one_is_suggested_and_asked_about(
    seeded: Flask, client: FlaskClient
) -> None:
    slip = "Defense Secretary Lloyd Austin spoke by phone on Friday with Gen. Valeri Gerasimovv, the Russian chief."
    items = client.post("/api/drafts", json={"text": slip, "published": "2022-05-13"}).get_json()["items"]
    assert [(i["official_b"], i["suggestions"]) for i in items] == [
        ("Valeri Gerasimovv", {"Valeri Gerasimovv": ["Valery Gerasimov"]})
    ]
    page = client.post("/drafts", data={"text": slip, "published": "2022-05-13"}).get_data(as_text=True)
    assert "did you mean Valery Gerasimov?" in page
    # a sure misspelling is read as the recorded official, as in the import
    assert (
        client.post("/drafts/save", data=_form(client, slip, "2022-05-13", "https://w.example/1")).status_code
        == 303
    )
    sides = {(e["official_b"], e["date"]) for e in client.get("/api/events").get_json()["items"]}
    assert ("Valery Gerasimov", "2022-05-13") in sides

    close = "Defense Secretary Lloyd Austin spoke by phone on Friday with Gen. Vasily Gerasimov, the Russian chief."
    data = _form(client, close, "2022-05-06", "https://w.example/2")
    response = client.post("/drafts/save", data=data)
    assert response.status_code == 400  # close to a recorded name, not surely a slip: the save asks
    assert "candidate 1, official a" in response.get_data(as_text=True)
    data["confirm_new"] = "on"
    assert client.post("/drafts/save", data=data).status_code == 303
    names = {o["name"] for o in client.get("/api/officials").get_json()["items"]}
    assert "Vasily Gerasimov" in names


def test_a_page_on_this_machine_or_a_private_network_is_not_fetched(
    app: Flask, client: FlaskClient, site: str
) -> None:
    app.config["DRAFTS_FETCH_PRIVATE"] = (
        False  # as in production: the server is no proxy into its own network
    )
    for url in (f"{site}/{HTML.name}", "http://10.0.0.1/article", "http://[::1]/x"):
        response = client.post("/drafts", data={"url": url, "action": "fetch"})
        assert response.status_code == 400, url
        assert "private or local network" in response.get_data(as_text=True), url
