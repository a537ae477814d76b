"""The pure part of assessments: months, the suggested arrow and its reason, overdue rounds, unobserved periods."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.assessing import (
    EndedGap,
    LevelChange,
    MonthFacts,
    Period,
    Schedule,
    due_date,
    month_label,
    month_of,
    month_span,
    overdue,
    shift_month,
    suggest,
    unobserved_days,
    unobserved_overlap,
    unobserved_words,
)
from tracker.models import ARROWS

D = dt.date


def facts(**values: object) -> MonthFacts:
    base: dict[str, object] = {
        "month": "2026-11",
        "held": 0,
        "attempts": 0,
        "refusals": 0,
        "median_gap": 30.0,
    }
    return MonthFacts(**{**base, **values})  # type: ignore[arg-type]


def test_months() -> None:
    assert month_of(D(2026, 11, 30)) == "2026-11"
    assert month_span("2024-02") == (D(2024, 2, 1), D(2024, 2, 29))
    assert month_span("2026-12") == (D(2026, 12, 1), D(2026, 12, 31))
    assert shift_month("2026-12", 1) == "2027-01"
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2026-05", -17) == "2024-12"
    assert month_label("2026-11") == "November 2026"


def test_a_month_at_the_usual_rhythm_is_unchanged() -> None:
    found = suggest(facts(held=1))
    assert found.arrow == "unchanged"
    assert found.reason == "1 held contact, about the usual 1 a month"


def test_a_quiet_month_of_a_rare_line_is_unchanged() -> None:
    found = suggest(facts(median_gap=180.0))
    assert found.arrow == "unchanged"
    assert found.reason == "No contact held, as usual at about 0.2 a month"


def test_refusals_without_a_contact_deteriorate() -> None:
    found = suggest(facts(refusals=2, attempts=1))
    assert found.arrow == "deteriorated"
    assert found.reason == "2 refusals and no contact held"
    assert suggest(facts(attempts=3)).reason == "3 unanswered attempts and no contact held"


def test_a_contact_that_ends_a_long_silence_improves() -> None:
    found = suggest(facts(held=1, median_gap=40.0, ended_gaps=(EndedGap(120, 40.0),)))
    assert found.arrow == "improved"
    assert found.reason == "A held contact ended a silence of 120 days (median gap 40)"
    ordinary = suggest(facts(held=1, median_gap=40.0, ended_gaps=(EndedGap(50, 40.0),)))
    assert ordinary.arrow == "unchanged" and "ended a silence of 50 days" in ordinary.reason


def test_many_contacts_improve() -> None:
    found = suggest(facts(held=4, median_gap=30.0))
    assert found.arrow == "improved"
    assert found.reason == "4 held contacts, above the usual 1 a month"


def test_changes_of_alert_level_decide_with_the_other_signals() -> None:
    worse = (LevelChange(D(2026, 11, 10), "ok", "warn"), LevelChange(D(2026, 11, 25), "warn", "alarm"))
    found = suggest(facts(level_changes=worse))
    assert found.arrow == "deteriorated"
    assert found.reason == "Alert normal → alarm on 2026-11-25"
    back = (LevelChange(D(2026, 11, 3), "alarm", "ok"),)
    assert suggest(facts(held=1, level_changes=back)).arrow == "improved"
    # a worse level and refusals against a contact that ended a long silence: mixed signals
    mixed = suggest(
        facts(
            held=1,
            ended_gaps=(EndedGap(200, 30.0),),
            level_changes=(LevelChange(D(2026, 11, 2), "ok", "warn"),),
        )
    )
    assert mixed.arrow == "unchanged" and mixed.reason.startswith("Mixed; ")
    # the first level of a new line says nothing, unless it enters a warning or an alarm
    assert suggest(facts(level_changes=(LevelChange(D(2026, 11, 2), "", "none"),))).arrow == "unchanged"
    assert suggest(facts(level_changes=(LevelChange(D(2026, 11, 2), "", "alarm"),))).arrow == "deteriorated"


def test_a_dyad_sums_the_signals_of_its_lanes() -> None:
    changes = (
        LevelChange(D(2026, 11, 2), "ok", "warn", "p1-p2", "SecDef"),
        LevelChange(D(2026, 11, 9), "alarm", "ok", "p3-p4", "CJCS"),
        LevelChange(D(2026, 11, 19), "ok", "alarm", "p5-p6", "State"),
    )
    found = suggest(facts(held=1, level_changes=changes))
    assert found.arrow == "deteriorated"
    assert found.reason == (
        "SecDef: alert normal → warning on 2026-11-02; CJCS: alert alarm → normal on 2026-11-09; "
        "State: alert normal → alarm on 2026-11-19"
    )
    # a lane's long silence is measured against its own median gap, not the dyad's rate
    busy_and_rare = (EndedGap(100, 80.0, "rare lane"), EndedGap(20, 5.0, "busy lane"))
    ended = suggest(facts(held=2, median_gap=4.0, ended_gaps=busy_and_rare))
    assert ended.reason == "Busy lane: a held contact ended a silence of 20 days (median gap 5)"


def test_a_missed_round_deteriorates() -> None:
    found = suggest(facts(overdue="round overdue: due by 2026-11-14 (every 90 days), 16 days late"))
    assert found.arrow == "deteriorated" and found.reason.startswith("Round overdue: due by 2026-11-14")


def test_an_unobserved_month_is_said_and_silence_alone_does_not_deteriorate_it() -> None:
    found = suggest(facts(attempts=2, unobserved=("Russia stopped disclosing contacts",)))
    assert found.arrow == "unchanged"
    assert found.reason.endswith("partly unobserved (Russia stopped disclosing contacts)")
    refused = suggest(facts(refusals=1, unobserved=("a side stopped disclosing",)))
    assert refused.arrow == "deteriorated"  # a refusal was observed all the same


def test_the_reason_fits_one_line_of_200_characters() -> None:
    long = suggest(facts(held=1, unobserved=tuple(f"note number {n} about why" for n in range(30))))
    assert 190 <= len(long.reason) <= 200 and long.reason.endswith("…") and "\n" not in long.reason
    assert suggest(facts()).arrow in ARROWS


def test_no_baseline() -> None:
    found = suggest(facts(median_gap=None, held=1))
    assert (found.arrow, found.reason) == ("unchanged", "1 held contact")
    assert suggest(facts(median_gap=None)).reason == "No contact, attempt or refusal recorded"


# Expected schedules -------------------------------------------------------------------------------

EVERY_90 = Schedule("interval", interval_days=90)
DECEMBER = Schedule("yearly", due_month=12)


def test_a_round_every_n_days_is_due_n_days_after_the_last() -> None:
    assert due_date(EVERY_90, D(2026, 1, 1), D(2026, 3, 1)) == D(2026, 4, 1)
    assert overdue(EVERY_90, D(2026, 1, 1), D(2026, 4, 1)) is None  # due today: not late yet
    late = overdue(EVERY_90, D(2026, 1, 1), D(2026, 4, 11))
    assert late is not None and late.due == D(2026, 4, 1) and late.days == 10
    assert late.label == "round overdue: due by 2026-04-01 (every 90 days), 10 days late"
    assert overdue(EVERY_90, None, D(2026, 4, 11)) is None  # no round held yet: no baseline
    assert overdue(None, D(2020, 1, 1), D(2026, 4, 11)) is None


@pytest.mark.parametrize(
    ("last", "as_of", "due", "late"),
    [
        (D(2025, 11, 10), D(2026, 6, 1), D(2026, 12, 31), False),  # last year's round held, this year's ahead
        (D(2025, 11, 10), D(2027, 1, 1), D(2026, 12, 31), True),  # this year's round missed
        (D(2024, 10, 1), D(2026, 6, 1), D(2025, 12, 31), True),  # last year's round missed, still late
        (D(2026, 1, 15), D(2026, 2, 1), D(2026, 12, 31), False),  # a late round in January counts
        (None, D(2026, 6, 1), D(2025, 12, 31), True),  # never held
    ],
)
def test_a_yearly_round_is_due_by_the_end_of_its_month(
    last: dt.date | None, as_of: dt.date, due: dt.date, late: bool
) -> None:
    assert due_date(DECEMBER, last, as_of) == due
    assert (overdue(DECEMBER, last, as_of) is not None) == late


def test_schedule_labels() -> None:
    assert EVERY_90.label == "every 90 days"
    assert Schedule("yearly", due_month=11).label == "yearly, by the end of November"


# Unobserved periods -------------------------------------------------------------------------------

OPEN = Period(D(2026, 6, 1), None, "Russia stopped disclosing contacts")
SHORT = Period(D(2026, 1, 10), D(2026, 1, 19), "press office closed")


def test_periods_that_overlap_a_stretch_of_days() -> None:
    assert unobserved_overlap([OPEN, SHORT], D(2026, 1, 1), D(2026, 1, 10)) == [SHORT]
    assert unobserved_overlap([OPEN, SHORT], D(2026, 1, 20), D(2026, 5, 31)) == []
    assert unobserved_overlap([OPEN, SHORT], D(2026, 1, 1), D(2030, 1, 1)) == [OPEN, SHORT]
    assert unobserved_days([SHORT], D(2026, 1, 15), D(2026, 2, 1)) == 5
    assert (
        unobserved_days(
            [SHORT, Period(D(2026, 1, 12), D(2026, 1, 14), "again")], D(2026, 1, 1), D(2026, 1, 31)
        )
        == 10
    )


def test_the_words_for_a_partly_unobserved_silence() -> None:
    assert (
        unobserved_words([OPEN], D(2026, 5, 22), D(2026, 6, 10))
        == "silence partly unobserved (10 of 20 days: Russia stopped disclosing contacts)"
    )
    assert unobserved_words([OPEN], D(2026, 1, 1), D(2026, 5, 31)) == ""
    assert OPEN.label == "2026-06-01 → now: Russia stopped disclosing contacts"
