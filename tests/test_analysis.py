"""Pure analysis: date bounds, gaps, silences, frequency (no app, no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import arrow
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.analysis import (
    all_pair_stats,
    date_bounds,
    days_label,
    frequency,
    gaps,
    pair_stats,
    period_start,
)

D = dt.date


@dataclass(frozen=True)
class Ev:
    id: int
    date: dt.date
    status: str = "held"
    date_end: dt.date | None = None
    date_precision: str = "day"
    pair_key: str = "1:2"


def test_seed_gaps_austin_shoigu_84_milley_gerasimov_90() -> None:
    austin_shoigu = [Ev(1, D(2022, 2, 18)), Ev(4, D(2022, 5, 13))]
    milley_gerasimov = [Ev(2, D(2022, 2, 18), pair_key="3:4"), Ev(5, D(2022, 5, 19), pair_key="3:4")]
    [g1] = gaps(austin_shoigu)
    [g2] = gaps(milley_gerasimov)
    assert (g1.min_days, g1.max_days, g1.label) == (84, 84, "84 days")
    assert (g2.min_days, g2.max_days, g2.label) == (90, 90, "90 days")


@pytest.mark.parametrize(
    ("day", "end", "precision", "expected"),
    [
        (D(2022, 5, 19), None, "day", (D(2022, 5, 19), D(2022, 5, 19))),
        (D(2022, 5, 9), None, "week", (D(2022, 5, 9), D(2022, 5, 15))),
        (D(2022, 2, 10), None, "month", (D(2022, 2, 1), D(2022, 2, 28))),
        (D(2024, 2, 10), None, "month", (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2022, 3, 10), None, "approximate", (D(2022, 3, 3), D(2022, 3, 17))),
        (D(2022, 3, 1), D(2022, 5, 9), "week", (D(2022, 3, 1), D(2022, 5, 15))),
        (D(2022, 3, 1), D(2022, 5, 9), "day", (D(2022, 3, 1), D(2022, 5, 9))),
    ],
)
def test_date_bounds(
    day: dt.date, end: dt.date | None, precision: str, expected: tuple[dt.date, dt.date]
) -> None:
    assert date_bounds(day, end, precision) == expected


def test_gap_with_uncertain_end_is_reported_as_bounds() -> None:
    events = [Ev(1, D(2022, 2, 18)), Ev(2, D(2022, 5, 1), date_precision="month")]
    [gap] = gaps(events)
    assert (gap.min_days, gap.max_days) == (72, 102)
    assert gap.label == "at least 72, at most 102 days"
    assert not gap.exact


def test_attempts_and_refusals_fall_inside_gaps_and_do_not_end_them() -> None:
    events = [
        Ev(1, D(2022, 2, 18)),
        Ev(2, D(2022, 3, 2), status="refused"),
        Ev(3, D(2022, 4, 2), status="refused"),
        Ev(4, D(2022, 4, 20), status="attempted"),
        Ev(5, D(2022, 5, 13)),
        Ev(6, D(2022, 6, 1), status="refused"),
    ]
    [gap] = gaps(events)
    assert (gap.start_id, gap.end_id, gap.min_days) == (1, 5, 84)
    assert (gap.attempts, gap.refusals) == (1, 2)


def test_attempt_on_the_day_of_a_contact_belongs_to_the_gap_before_it() -> None:
    events = [Ev(1, D(2022, 1, 1)), Ev(3, D(2022, 2, 1)), Ev(2, D(2022, 2, 1), status="attempted")]
    [gap] = gaps(events)
    assert gap.attempts == 1


def test_pair_stats_counts_and_current_silence() -> None:
    events = [
        Ev(1, D(2022, 1, 1)),
        Ev(2, D(2022, 1, 11)),
        Ev(3, D(2022, 1, 20), status="attempted"),
        Ev(4, D(2022, 2, 10)),
        Ev(5, D(2022, 2, 12), status="refused"),
    ]
    stats = pair_stats(events, as_of=D(2022, 3, 12))
    assert (stats.held, stats.attempts, stats.refusals, stats.total) == (3, 1, 1, 5)
    assert stats.last_contact == D(2022, 2, 10)
    assert (stats.silence_min_days, stats.silence_max_days) == (30, 30)
    assert stats.silence_label == "30 days"
    assert stats.longest_gap is not None and stats.longest_gap.max_days == 30
    assert (stats.median_gap_min, stats.median_gap_max) == (20, 20)
    assert stats.median_gap_label == "20 days"


def test_pair_without_held_contact_has_no_silence() -> None:
    stats = pair_stats([Ev(1, D(2022, 3, 1), status="refused")], as_of=D(2022, 5, 1))
    assert stats.silence_label == "no contact held"
    assert stats.longest_gap is None
    assert stats.median_gap_label == "–"


def test_all_pair_stats_most_recent_first() -> None:
    events = [Ev(1, D(2022, 1, 1), pair_key="a"), Ev(2, D(2023, 1, 1), pair_key="b")]
    assert [s.pair_key for s in all_pair_stats(events, as_of=D(2024, 1, 1))] == ["b", "a"]


def test_frequency_zero_fills_months_between_contacts() -> None:
    events = [
        Ev(1, D(2022, 2, 18)),
        Ev(2, D(2022, 2, 20)),
        Ev(3, D(2022, 3, 5), status="refused"),
        Ev(4, D(2022, 5, 13)),
        Ev(5, D(2022, 4, 1), pair_key="x"),
    ]
    starts, counts = frequency(events)
    assert starts == [D(2022, 2, 1), D(2022, 3, 1), D(2022, 4, 1), D(2022, 5, 1)]
    assert counts == {"1:2": [2, 0, 0, 1], "x": [0, 0, 1, 0]}


def test_frequency_by_quarter_and_year() -> None:
    events = [Ev(1, D(2022, 2, 18)), Ev(2, D(2022, 5, 13)), Ev(3, D(2023, 1, 2))]
    assert frequency(events, period="quarter")[1] == {"1:2": [1, 1, 0, 0, 1]}
    assert frequency(events, period="year") == ([D(2022, 1, 1), D(2023, 1, 1)], {"1:2": [2, 1]})
    with pytest.raises(ValueError, match="period"):
        period_start(D(2022, 1, 1), "fortnight")


def test_days_label() -> None:
    assert days_label(1, 1) == "1 day"
    assert days_label(80, 90) == "at least 80, at most 90 days"


# Properties ---------------------------------------------------------------------------------

precisions = st.sampled_from(["day", "week", "month", "approximate"])
statuses = st.sampled_from(["held", "attempted", "refused", "unknown"])


@st.composite
def events_strategy(draw: st.DrawFn) -> list[Ev]:
    n = draw(st.integers(min_value=0, max_value=25))
    out = []
    for i in range(n):
        day = draw(st.dates(min_value=D(2015, 1, 1), max_value=D(2026, 1, 1)))
        span = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=90)))
        out.append(
            Ev(
                id=i + 1,
                date=day,
                status=draw(statuses),
                date_end=day + dt.timedelta(days=span) if span is not None else None,
                date_precision=draw(precisions),
            )
        )
    return out


@given(events_strategy())
def test_gap_bounds_are_ordered_and_one_fewer_than_held(events: list[Ev]) -> None:
    found = gaps(events)
    held = [e for e in events if e.status == "held"]
    assert len(found) == max(0, len(held) - 1)
    for gap in found:
        assert 0 <= gap.min_days <= gap.max_days
    assert sum(g.attempts for g in found) <= sum(e.status == "attempted" for e in events)


@given(events_strategy(), st.randoms())
def test_gaps_do_not_depend_on_input_order(events: list[Ev], rnd: object) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert gaps(shuffled) == gaps(events)


@given(st.dates(D(1900, 1, 1), D(2100, 1, 1)), st.one_of(st.none(), st.integers(0, 400)), precisions)
def test_bounds_contain_the_stated_dates(day: dt.date, span: int | None, precision: str) -> None:
    end = day + dt.timedelta(days=span) if span is not None else None
    lo, hi = date_bounds(day, end, precision)
    assert lo <= day <= hi
    if end is not None:
        assert end <= hi


@given(events_strategy())
def test_exact_dates_give_exact_gaps(events: list[Ev]) -> None:
    exact = [Ev(e.id, e.date, e.status) for e in events]
    for gap in gaps(exact):
        assert gap.exact
        assert gap.min_days == (gap.end - gap.start).days


# Alerts, callouts, percentiles, holder changes, response times ------------------------------

from tracker.analysis import (  # noqa: E402
    alert,
    frequency_by_status,
    holder_changes,
    percentile,
    response_days,
    silence_callout,
)


def _held(*days: dt.date) -> list[Ev]:
    return [Ev(i + 1, d) for i, d in enumerate(days)]


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 90) is None
    assert percentile([10], 90) == 10
    assert percentile([10, 20], 50) == 15
    assert percentile(list(range(1, 11)), 90) == pytest.approx(9.1)


def test_alert_levels() -> None:
    events = _held(D(2022, 1, 1), D(2022, 1, 11), D(2022, 1, 21), D(2022, 2, 20))  # gaps 10, 10, 30
    assert alert(pair_stats(events, as_of=D(2022, 3, 1))).level == "ok"  # 9 days
    warn = alert(pair_stats(events, as_of=D(2022, 3, 14)))  # 22 days > 2 × median 10
    assert warn.level == "warn"
    assert "past 2 × the median gap (10 days, upper bound)" in warn.reason
    alarm = alert(pair_stats(events, as_of=D(2022, 3, 25)))  # 33 days > longest 30
    assert alarm.level == "alarm"
    assert "longer than the longest gap on record (30 days)" in alarm.reason
    assert alert(pair_stats(events, as_of=D(2022, 3, 25)), warn_factor=4, alarm_days=40).level == "ok"
    assert alert(pair_stats(events, as_of=D(2022, 4, 5)), alarm_days=40).level == "alarm"
    assert alert(pair_stats([Ev(1, D(2022, 1, 1))], as_of=D(2023, 1, 1))).level == "none"
    assert alert(pair_stats([Ev(1, D(2022, 1, 1), status="refused")], as_of=D(2023, 1, 1))).level == "none"


def test_alert_uses_the_lower_bound_of_an_uncertain_silence() -> None:
    events = [Ev(1, D(2022, 1, 1)), Ev(2, D(2022, 1, 31)), Ev(3, D(2022, 3, 1), date_precision="month")]
    stats = pair_stats(events, as_of=D(2022, 4, 20))  # silence 20..50 days; longest gap ≤ 59
    assert (stats.silence_min_days, stats.silence_max_days) == (20, 50)
    assert alert(stats).level == "ok"


def test_silence_callout() -> None:
    events = _held(D(2015, 1, 1), D(2016, 1, 1), D(2016, 2, 1), D(2016, 3, 1))  # gaps 365, 31, 29
    assert silence_callout(pair_stats(events, as_of=D(2016, 3, 20))) == ""
    assert silence_callout(pair_stats(events, as_of=D(2016, 8, 1))) == "the longest silence since 2016"
    assert (
        silence_callout(pair_stats(events, as_of=D(2018, 1, 1)))
        == "the longest silence on record (contacts since 2015)"
    )


def test_holder_changes_are_labelled_per_side_and_dated_by_the_tenure() -> None:
    @dataclass(frozen=True)
    class Sided(Ev):
        official_a: str = ""
        official_b: str = ""
        official_a_id: int = 0
        official_b_id: int = 0
        country_a: str = "United States"
        country_b: str = "Russia"
        post_a_id: int | None = 1
        post_b_id: int | None = 2

    events = [
        Sided(
            1,
            D(2022, 5, 13),
            official_a="Lloyd Austin",
            official_b="Sergei Shoigu",
            official_a_id=1,
            official_b_id=2,
        ),
        Sided(
            2,
            D(2024, 7, 12),
            official_a="Lloyd Austin",
            official_b="Andrei Belousov",
            official_a_id=1,
            official_b_id=3,
        ),
        # both sides change at once, one of them with a tenure on record
        Sided(
            3,
            D(2025, 3, 1),
            official_a="Pete Hegseth",
            official_b="Li Zuocheng",
            official_a_id=4,
            official_b_id=5,
            country_b="China",
        ),
    ]
    starts = {(3, 2): D(2024, 5, 14), (4, 1): D(2025, 1, 25)}
    changes = holder_changes(events, lambda official, post, _seen: starts.get((official, post)))
    assert [(c.date, c.seen, c.label) for c in changes] == [
        (D(2024, 5, 14), D(2024, 7, 12), "Russia: Shoigu → Belousov"),
        (D(2025, 1, 25), D(2025, 3, 1), "China: Belousov → Li Zuocheng; US: Austin → Hegseth"),
    ]
    # without tenures a change is dated by the first event with the new holder
    assert [c.date for c in holder_changes(events)] == [D(2024, 7, 12), D(2025, 3, 1)]
    # person sides (no post) never change holder
    assert holder_changes([Sided(1, D(2022, 1, 1), post_a_id=None, post_b_id=None)]) == []


def test_response_days_after_a_context_event() -> None:
    events = [Ev(1, D(2023, 3, 1)), Ev(2, D(2023, 3, 15), status="refused"), Ev(3, D(2023, 3, 20))]
    assert response_days(D(2023, 3, 14), events) == (6, 6)
    assert response_days(D(2023, 3, 25), events) is None
    assert response_days(D(2023, 3, 14), [Ev(1, D(2023, 4, 10), date_precision="month")]) == (18, 47)


def test_frequency_by_status() -> None:
    events = [
        Ev(1, D(2022, 2, 18)),
        Ev(2, D(2022, 3, 2), status="refused"),
        Ev(3, D(2022, 3, 9), status="attempted"),
    ]
    starts, series = frequency_by_status(events)
    assert starts == [D(2022, 2, 1), D(2022, 3, 1)]
    assert series == {"held": [1, 0], "attempted": [0, 1], "refused": [0, 1]}
    assert list(series) == ["held", "attempted", "refused"]


@given(events_strategy(), st.dates(D(2026, 1, 2), D(2030, 1, 1)))
def test_alert_level_is_monotonic_in_time(events: list[Ev], later: dt.date) -> None:
    if not any(e.status == "held" for e in events):
        return
    early = alert(pair_stats(events, as_of=D(2026, 1, 1)))
    late = alert(pair_stats(events, as_of=later))
    assert late.rank <= early.rank or early.level == "none"


def test_current_silence_counts_from_whichever_held_contact_may_be_last() -> None:
    events = [Ev(1, D(2022, 1, 10)), Ev(2, D(2022, 5, 1), date_precision="month"), Ev(3, D(2022, 5, 20))]
    stats = pair_stats(events, as_of=D(2022, 6, 30))
    assert (stats.silence_min_days, stats.silence_max_days) == (30, 41)
    assert stats.silence_label == "at least 30, at most 41 days"


def test_response_days_bound_by_the_first_certain_contact() -> None:
    events = [Ev(1, D(2022, 1, 10)), Ev(2, D(2022, 5, 1), date_precision="month"), Ev(3, D(2022, 5, 20))]
    assert response_days(D(2022, 5, 10), events) == (1, 10)


@pytest.mark.parametrize(
    ("day", "period", "start"),
    [
        (D(2024, 2, 29), "month", D(2024, 2, 1)),
        (D(2024, 1, 1), "quarter", D(2024, 1, 1)),
        (D(2024, 3, 31), "quarter", D(2024, 1, 1)),
        (D(2024, 5, 19), "quarter", D(2024, 4, 1)),
        (D(2024, 12, 31), "quarter", D(2024, 10, 1)),
        (D(2024, 12, 31), "year", D(2024, 1, 1)),
    ],
)
def test_period_start_is_the_first_day_of_its_period(day: dt.date, period: str, start: dt.date) -> None:
    assert period_start(day, period) == start


@given(st.dates(D(1900, 1, 1), D(2100, 12, 31)))
def test_a_month_is_the_calendar_month_arrow_spans(day: dt.date) -> None:
    start, end = arrow.Arrow.fromdate(day).span("month")
    assert date_bounds(day, None, "month") == (start.date(), end.date())
