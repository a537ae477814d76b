"""`flask seed`: the seed case loads, idempotently."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from tracker.db import get_session
from tracker.store.context import list_context_events
from tracker.store.events import count_events, list_events
from tracker.store.people import list_officials


def test_seeds_load_twice_without_duplicates(app: Flask, runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "Seeded 5 event(s) (0 already present) and 1 context event(s)." in first.output
    assert "Reference: Added " in first.output and " tenures;" in first.output
    second = runner.invoke(args=["seed"])
    assert "Seeded 0 event(s) (5 already present) and 0 context event(s)." in second.output
    assert "Reference: Added nothing;" in second.output
    with app.app_context():
        session = get_session()
        assert count_events(session) == 5
        assert len(list_context_events(session)) == 1
        names = [o.name for o in list_officials(session)]
    assert sorted(names) == names
    assert len(names) == len(set(names)) > 150  # the seeds' sides and the reference's holders


def test_seed_if_empty_leaves_a_used_database_alone(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(args=["seed"])
    result = runner.invoke(args=["seed", "--if-empty"])
    assert "already holds events" in result.output


def test_seeds_record_posts_and_the_hotline_span(seeded: Flask) -> None:
    with seeded.app_context():
        session = get_session()
        roles = {o.name: o.role for o in list_officials(session)}
        events = list_events(session)
    assert roles["Lloyd Austin"] == "US Secretary of Defense"
    assert roles["Valery Gerasimov"] == "Russian Chief of the General Staff"
    [hotline] = [e for e in events if e.channel == "hotline"]
    assert (hotline.status, hotline.date_end.isoformat() if hotline.date_end else None) == (
        "refused",
        "2022-05-09",
    )
    assert hotline.initiated_by == "U.S. European Command"


def test_bad_seed_file_is_reported_and_nothing_loaded(app: Flask, runner: FlaskCliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "events.csv").write_text(
        "date,date_precision,official_a,role_a,country_a,official_b,role_b,country_b,channel,status,"
        "initiated_by,summary,source_url,source_publisher,source_date\n"
        "2022-01-01,day,A,,US,B,,RU,phone,held,,,,,\n"
        "2022-13-01,day,A,,US,B,,RU,fax,held,,,,,\n",
        encoding="utf-8",
    )
    (tmp_path / "context_events.csv").write_text("date,title,description,source_url\n", encoding="utf-8")
    result = runner.invoke(args=["seed", "--dir", str(tmp_path)])
    assert result.exit_code != 0
    assert "line 3, column date" in result.output
    assert "line 3, column channel" in result.output
    with app.app_context():
        assert count_events(get_session()) == 0


def test_a_bad_seed_event_leaves_no_tenure_behind(app: Flask, runner: FlaskCliRunner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from tests.helpers import SEEDS

    for name in ("events.csv", "context_events.csv", "reference.csv"):
        shutil.copy(SEEDS / name, tmp_path / name)
    events = (tmp_path / "events.csv").read_text(encoding="utf-8")
    (tmp_path / "events.csv").write_text(
        events.replace(
            "Lloyd Austin,US Secretary of Defense,US", "Lloyd Austin,US Secretary of Defense,Russia", 1
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["seed", "--dir", str(tmp_path)])
    assert result.exit_code != 0
    assert (
        "events.csv line 2, column country_a: 'Lloyd Austin' is recorded with country 'United States', not 'Russia'"
        in result.output
    )
    with app.app_context():
        assert list_officials(get_session()) == []
