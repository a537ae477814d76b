"""Issue 15: the shipped reference of offices, holders and wordings, and loading it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.helpers import SEEDS, event, make_csv
from tracker import csvio
from tracker.db import get_session
from tracker.models import ReferenceRow
from tracker.names import name_key, post_key
from tracker.store.events import list_events
from tracker.store.registry import registry

REFERENCE = SEEDS / "reference.csv"


@pytest.fixture(scope="module")
def rows() -> list[ReferenceRow]:
    with open(REFERENCE, encoding="utf-8-sig", newline="") as f:
        found, errors = csvio.read_reference(f)
    assert errors == []
    return [r for _, r in found]


def test_every_row_names_its_source(rows: list[ReferenceRow]) -> None:
    assert all(r.source_url.startswith(("https://", "http://")) for r in rows)


def test_the_offices_that_matter_are_covered_since_1991(rows: list[ReferenceRow]) -> None:
    offices = {(r.country, r.office) for r in rows if r.record == "office"}
    wanted = {
        ("United States", "Secretary of Defense"),
        ("United States", "Chairman of the Joint Chiefs of Staff"),
        ("United States", "Secretary of State"),
        ("United States", "National Security Advisor"),
        ("Russia", "Minister of Defence"),
        ("Russia", "Chief of the General Staff"),
        ("Russia", "Minister of Foreign Affairs"),
        ("Russia", "Secretary of the Security Council"),
        ("China", "Minister of National Defense"),
        ("China", "Chief of the Joint Staff Department"),
        ("China", "Minister of Foreign Affairs"),
    }
    assert wanted <= offices
    tenures = [r for r in rows if r.record == "tenure"]
    for country, office in wanted:
        starts = [r.start for r in tenures if (r.country, r.office) == (country, office) and r.start]
        assert starts and min(starts) <= dt.date(1992, 12, 31), (country, office)


def test_no_two_holders_of_a_single_seat_office_overlap(rows: list[ReferenceRow]) -> None:
    seats = {(r.country, r.office): r.seats or 1 for r in rows if r.record == "office"}
    spans: dict[tuple[str, str], list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    for r in rows:
        if r.record == "tenure":
            spans[(r.country, r.office)].append((r.start or dt.date.min, r.end or dt.date.max, r.person))
    for office, held in spans.items():
        if seats.get(office, 1) != 1:
            continue
        held.sort()
        for (_, end, who), (start, _, next_who) in zip(held, held[1:], strict=False):
            assert end < start, f"{office}: {who} until {end} overlaps {next_who} from {start}"


def test_every_wording_names_exactly_one_office_or_person(rows: list[ReferenceRow]) -> None:
    offices: dict[tuple[str, str], str] = {}
    people: dict[str, str] = {}
    for r in rows:
        if r.record == "office":
            for wording in (r.office, *r.alias_list):
                key = post_key(wording, r.country)
                assert offices.setdefault(key, r.office) == r.office, (wording, offices[key], r.office)
        elif r.record == "person":
            for spelling in (r.person, *r.alias_list):
                assert people.setdefault(name_key(spelling), r.person) == r.person, spelling
    for r in rows:
        if r.record == "tenure":
            assert post_key(r.office, r.country) in offices and name_key(r.person) in people, r


#: Real-world wordings: (name, role, country, date) -> (the person, the office) they resolve to.
WORDINGS = [
    (
        ("Sergey Shoygu", "Russian defence minister", "RF", "2016-05-01"),
        ("Sergei Shoigu", "Minister of Defence"),
    ),
    (
        ("Mike Milley", "top general", "US", "2021-01-08"),
        ("Mark Milley", "Chairman of the Joint Chiefs of Staff"),
    ),
    (("Joe Dunford", "", "USA", "2017-02-16"), ("Joseph Dunford", "Chairman of the Joint Chiefs of Staff")),
    (("Ash Carter", "Pentagon chief", "U.S.", "2016-06-04"), ("Ashton Carter", "Secretary of Defense")),
    (
        ("Chang Wan-quan", "Defense Minister", "PRC", "2015-11-03"),
        ("Chang Wanquan", "Minister of National Defense"),
    ),
    # the old name of a reorganised office still names it
    (
        ("Li Zuocheng", "Chief of the PLA General Staff", "China", "2020-10-30"),
        ("Li Zuocheng", "Chief of the Joint Staff Department"),
    ),
    (
        (
            "Valery Gerasimov",
            "Chief of the General Staff of the Armed Forces of the Russian Federation",
            "Russia",
            "2019-12-01",
        ),
        ("Valery Gerasimov", "Chief of the General Staff"),
    ),
    (("Pete Hegseth", "Secretary of War", "US", "2025-10-31"), ("Pete Hegseth", "Secretary of Defense")),
    # a loose title on a date: the office the person held that day
    (
        ("Andrei Belousov", "armed forces minister", "Russia", "2024-07-12"),
        ("Andrei Belousov", "Minister of Defence"),
    ),
    (("Wei Fenghe", "", "China", "2022-06-10"), ("Wei Fenghe", "Minister of National Defense")),
]


@pytest.mark.parametrize(
    ("given", "expected"), WORDINGS, ids=[w[0][0] + " / " + (w[0][1] or "no role") for w in WORDINGS]
)
def test_real_world_wordings_resolve_to_the_person_and_office(
    seeded: Flask,
    runner: FlaskCliRunner,
    tmp_path: Path,
    given: tuple[str, str, str, str],
    expected: tuple[str, str],
) -> None:
    name, role, country, day = given
    us = country in ("US", "USA", "U.S.")
    other = ("Sergei Shoigu", "Russia") if us else ("Lloyd Austin", "US")
    row = event(
        date=day,
        official_a=name,
        role_a=role,
        country_a=country,
        official_b=other[0],
        role_b="",
        country_b=other[1],
        initiated_by="",
        source_url="https://example.org/" + day,
    )
    path = tmp_path / "one.csv"
    path.write_bytes(make_csv([row]))
    result = runner.invoke(args=["import-csv", str(path)])
    assert result.exit_code == 0, result.output + result.stderr
    with seeded.app_context():
        session = get_session()
        [found] = [e for e in list_events(session, lanes="post") if e.date.isoformat() == day]
        post = registry(session).book.posts[found.post_a_id] if found.post_a_id else None
    assert (found.official_a, post.title if post else "") == expected


def test_load_reference_is_idempotent_and_never_overrides_what_is_recorded(
    app: Flask, runner: FlaskCliRunner, client: FlaskClient, tmp_path: Path
) -> None:
    # the user recorded Shoigu's tenure with other dates, and a post title of their own
    assert (
        client.post(
            "/officials", data={"name": "Sergei Shoigu", "country": "Russia", "kind": "person"}
        ).status_code
        == 302
    )
    client.post(
        "/officials/1/tenures",
        data={"post": "Russian Minister of Defence", "country": "Russia", "start": "2012-11-01", "end": ""},
    )
    first = runner.invoke(args=["load-reference", "--verbose"])
    assert first.exit_code == 0, first.output
    assert "left alone" in first.output and "1 tenures that differ from yours" in first.output
    second = runner.invoke(args=["load-reference"])
    assert "Added nothing;" in second.output
    with app.app_context():
        session = get_session()
        book = registry(session).book
        shoigu = registry(session).directory.find("Sergey Shoygu")
        assert shoigu is not None and shoigu.name == "Sergei Shoigu"
        mine = [t for t in book.tenures[shoigu.id] if t.start == dt.date(2012, 11, 1)]
        assert len(mine) == 1 and mine[0].end is None  # the user's dates kept
        assert book.posts[mine[0].post_id].title == "Russian Minister of Defence"  # the user's title kept
    # a user's own reference file in the same format
    own = tmp_path / "own.csv"
    own.write_text(
        "record,country,office,person,start,end,acting,seats,aliases,source_url,note\n"
        "office,United Kingdom,Chief of the Defence Staff,,,,,,CDS|UK armed forces chief,https://www.gov.uk/cds,\n"
        "person,United Kingdom,,Tony Radakin,,,,,Adm. Sir Tony Radakin,https://www.gov.uk/radakin,\n"
        "tenure,United Kingdom,Chief of the Defence Staff,Tony Radakin,2021-11-30,,,,,https://www.gov.uk/radakin,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["load-reference", str(own)])
    assert result.exit_code == 0 and "1 offices" in result.output and "1 tenures" in result.output, (
        result.output
    )


def test_a_bad_reference_file_is_reported_by_line_and_loads_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "record,country,office,person,start,end,acting,seats,aliases,source_url,note\n"
        "office,United Kingdom,Chief of the Defence Staff,,,,,,,https://www.gov.uk/cds,\n"
        "tenure,United Kingdom,,Tony Radakin,2021-11-30,,,,,https://www.gov.uk/radakin,\n"
        "tenure,United Kingdom,Chief of the Defence Staff,Tony Radakin,2021-11-30,2020-01-01,,,,https://x.uk,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["load-reference", str(bad)])
    assert result.exit_code != 0
    assert "line 3, column office: a tenure line must name its office" in result.output
    assert "line 4, column end: must not be before the start" in result.output
    with app.app_context():
        assert registry(get_session()).book.posts == {}


def test_the_reference_exports_what_is_recorded_and_loads_back(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = client.get("/reference.csv").get_data(as_text=True)
    assert text.startswith("record,country,office,person,start,end,acting,seats,aliases,source_url,note\r\n")
    assert "Pentagon chief" in text and "Sergey Shoygu" in text
    path = tmp_path / "exported.csv"
    path.write_text(text, encoding="utf-8")
    again = runner.invoke(args=["load-reference", str(path)])
    assert again.exit_code == 0 and "Added nothing;" in again.output, again.output
