"""The vocabulary: every channel and status carries everything the tracker shows it with."""

from __future__ import annotations

import pytest

from tracker.vocabulary import (
    SPARE_COLORS,
    SPARE_SYMBOLS,
    Channel,
    OfficialKind,
    Precision,
    Status,
    guess_kind,
)


@pytest.mark.parametrize("vocabulary", [Channel, Status, Precision, OfficialKind])
def test_every_member_has_a_label_of_its_own(vocabulary: type[Channel]) -> None:
    labels = [member.label for member in vocabulary]
    assert all(labels) and len(set(labels)) == len(labels)


def test_every_channel_has_a_symbol_of_its_own_and_none_takes_a_spare() -> None:
    symbols = [c.symbol for c in Channel]
    assert len(set(symbols)) == len(symbols)
    assert not set(symbols) & set(SPARE_SYMBOLS)


def test_every_status_has_a_colour_and_a_fill_of_its_own() -> None:
    assert len({s.color for s in Status}) == len(Status)
    assert len({s.fill for s in Status}) == len(Status)
    assert not {s.color for s in Status} & set(SPARE_COLORS)
    assert Status.held.fill == ""  # held contacts are solid markers


def test_organizations_are_told_from_people_by_their_name() -> None:
    assert guess_kind("U.S. European Command") is OfficialKind.organization
    assert guess_kind("Russian Ministry of Defence") is OfficialKind.organization
    assert guess_kind("Lloyd Austin") is OfficialKind.person
