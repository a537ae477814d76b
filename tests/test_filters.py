"""The filters: one definition read from, written to and documented as a query string."""

from __future__ import annotations

import datetime as dt

from werkzeug.datastructures import MultiDict

from tracker.filters import FILTER_PARAMS, EventFilter, filter_query_model, parse_filters
from tracker.vocabulary import Channel, Status


def test_a_filter_written_as_a_query_string_reads_back_as_itself() -> None:
    flt = EventFilter(
        date_from=dt.date(2022, 1, 1),
        date_to=dt.date(2022, 12, 31),
        country="Russia",
        official="Lloyd Austin",
        pair="p1-p2",
        channels=(Channel.phone, Channel.video),
        statuses=(Status.refused,),
        dyad="United States – Russia",
        q="hotline Stuttgart",
    )
    args = MultiDict(
        [(k, v) for k, vs in flt.query_args().items() for v in ([vs] if isinstance(vs, str) else vs)]
    )
    assert parse_filters(args) == (flt, {})
    assert set(flt.query_args()) == set(FILTER_PARAMS)


def test_the_empty_filter_has_no_arguments_and_is_not_active() -> None:
    assert EventFilter().query_args() == {} and not EventFilter().active


def test_bad_values_are_named_by_parameter_and_ignored() -> None:
    flt, errors = parse_filters(MultiDict({"from": "yesterday-ish", "channel": "pigeon,phone", "to": ""}))
    assert set(errors) == {"from", "channel"}
    assert flt.channels == (Channel.phone,) and flt.date_from is None
    _, errors = parse_filters({"from": "2022-05-01", "to": "2022-04-01"})
    assert "to" in errors


def test_the_documented_parameters_are_the_filters() -> None:
    schema = filter_query_model().model_json_schema(by_alias=True)
    assert list(schema["properties"]) == list(FILTER_PARAMS)
    assert schema["properties"]["channel"]["items"]["$ref"].endswith("/Channel")
    assert all(prop.get("description") for prop in schema["properties"].values())
