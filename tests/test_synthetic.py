"""benchmarks.synthetic: seeded, streamed rows of the CSV contract, valid, varied and without duplicates."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
import tracemalloc
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.synthetic import COLUMNS, generate, main, write_csv

N = 20_000
#: The CSV contract, spelt out here so that a change on either side shows.
HEADER = (
    "id,date,date_end,date_precision,official_a,role_a,country_a,official_b,role_b,country_b,"
    "channel,status,initiated_by,summary,source_url,source_publisher,source_date"
).split(",")
CHANNELS = {"phone", "video", "in_person", "hotline", "letter", "other"}
STATUSES = {"held", "attempted", "refused", "unknown"}
PRECISIONS = {"day", "week", "month", "approximate"}
COUNTRIES = {
    "United States",
    "Russia",
    "China",
    "United Kingdom",
    "Ukraine",
    "North Korea",
    "Iran",
    "France",
}
FIRST, LAST = dt.date(1990, 1, 1), dt.date(2026, 11, 30)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
URL = re.compile(r"https?://[^/\s]+\.[a-z]+/\S*")
FORMULA_STARTS = ("=", "+", "-", "@", "\t=", "\r=")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return list(generate(N))


def _col(name: str) -> int:
    return HEADER.index(name)


def _day(text: str) -> dt.date:
    assert ISO.fullmatch(text), text
    day = dt.date.fromisoformat(text)
    assert FIRST <= day <= LAST, text
    return day


def _sides(row: list[str]) -> Iterator[tuple[str, str, str]]:
    """(name, role, country) of each side."""
    yield row[_col("official_a")], row[_col("role_a")], row[_col("country_a")]
    yield row[_col("official_b")], row[_col("role_b")], row[_col("country_b")]


def _post_pair(row: list[str]) -> frozenset[tuple[str, str]]:
    return frozenset((country, role) for _, role, country in _sides(row))


# The file and the command line ------------------------------------------------------------------


def test_write_csv_writes_the_header_and_the_rows_as_crlf_utf8(tmp_path: Path) -> None:
    assert list(COLUMNS) == HEADER
    out = tmp_path / "events.csv"
    assert write_csv(out, 500, seed=3) == 500
    raw = out.read_bytes()
    assert raw.startswith(",".join(HEADER).encode() + b"\r\n")
    assert raw.count(b"\r\n") >= 501
    with open(out, newline="", encoding="utf-8") as stream:
        read = list(csv.reader(stream))
    assert read[0] == HEADER
    assert read[1:] == list(generate(500, seed=3))


def test_the_command_line_writes_the_same_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.csv"
    assert main(["300", str(out), "--seed", "5", "--pairs", "12"]) == 0
    assert "wrote 300 rows" in capsys.readouterr().out
    with open(out, newline="", encoding="utf-8") as stream:
        assert list(csv.reader(stream))[1:] == list(generate(300, seed=5, pairs=12))
    with pytest.raises(SystemExit):
        main(["-1", str(out)])


# Determinism and streaming ------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(rows: list[list[str]]) -> None:
    assert list(generate(N)) == rows
    other = list(generate(N, seed=7))
    assert len(other) == N and other != rows
    assert sum(a != b for a, b in zip(rows, other, strict=True)) > N * 0.9


def test_rows_are_streamed_not_held() -> None:
    rows = generate(1_000_000)  # builds the world (officials, pairs, timelines) at once
    assert not isinstance(rows, list | tuple)
    tracemalloc.start()
    try:
        read = sum(1 for _ in itertools.islice(rows, 2_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read == 2_000
    assert peak < 2 * 1024 * 1024  # a million rows made ahead would take hundreds of megabytes


def test_sizes_and_bad_arguments() -> None:
    assert list(generate(0)) == []
    assert len(list(generate(1))) == 1
    few = list(generate(50, pairs=5, officials=20))
    assert len(few) == 50 and len({_post_pair(r) for r in few}) <= 5
    for bad in ({"n_events": -1}, {"n_events": 10, "pairs": 0}, {"n_events": 10, "officials": 0}):
        with pytest.raises(ValueError):
            generate(**bad)
    with pytest.raises(ValueError, match="do not fit"):
        generate(10**9)


# The contract's constraints ------------------------------------------------------------------------


def test_every_row_keeps_the_contract(rows: list[list[str]]) -> None:
    previous = FIRST
    for row in rows:
        assert len(row) == len(HEADER)
        assert row[_col("id")] == ""
        day = _day(row[_col("date")])
        assert day >= previous  # sorted by date
        previous = day
        if row[_col("date_end")]:
            assert _day(row[_col("date_end")]) >= day
        if row[_col("source_date")]:
            assert _day(row[_col("source_date")]) >= day
        assert row[_col("date_precision")] in PRECISIONS
        assert row[_col("channel")] in CHANNELS
        assert row[_col("status")] in STATUSES
        url = row[_col("source_url")]
        assert not url or URL.fullmatch(url), url
        assert len(row[_col("summary")]) <= 10_000
        assert len(row[_col("source_publisher")]) <= 200
        assert not CONTROL.search(row[_col("summary")] + row[_col("source_publisher")])
        names = []
        for name, role, country in _sides(row):
            assert country in COUNTRIES
            assert role and len(role) <= 200
            assert name and len(name) <= 200
            assert name == " ".join(name.split()) == unicodedata.normalize("NFC", name)
            names.append(name.casefold())
        assert names[0] != names[1]
        assert row[_col("country_a")] != row[_col("country_b")]
        assert row[_col("initiated_by")] in ("", row[_col("official_a")], row[_col("official_b")])


def test_no_two_rows_are_the_same_contact(rows: list[list[str]]) -> None:
    keys = Counter(
        (
            row[_col("date")],
            row[_col("date_end")],
            frozenset((row[_col("official_a")].casefold(), row[_col("official_b")].casefold())),
            row[_col("channel")],
            row[_col("status")],
        )
        for row in rows
    )
    assert [key for key, count in keys.items() if count > 1] == []


def test_a_name_has_one_country_and_one_post(rows: list[list[str]]) -> None:
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        for name, role, country in _sides(row):
            seen[name.casefold()].add((country, role))
    assert {name: posts for name, posts in seen.items() if len(posts) > 1} == {}


# Realism ---------------------------------------------------------------------------------------------


def test_statuses_precisions_channels_and_spans_are_mixed(rows: list[list[str]]) -> None:
    def share(column: str) -> dict[str, float]:
        return {k: v / N for k, v in Counter(r[_col(column)] for r in rows).items()}

    status = share("status")
    assert 0.70 < status["held"] < 0.88
    assert 0.07 < status["attempted"] < 0.14
    assert 0.05 < status["refused"] < 0.12
    assert 0.01 < status["unknown"] < 0.04
    precision = share("date_precision")
    assert precision["day"] > 0.8 and min(precision[p] for p in PRECISIONS - {"day"}) > 0.01
    assert set(share("channel")) == CHANNELS and max(share("channel").values()) < 0.5
    assert 0.02 < sum(bool(r[_col("date_end")]) for r in rows) / N < 0.045
    assert 0.2 < sum(bool(r[_col("initiated_by")]) for r in rows) / N < 0.8


def test_about_the_asked_pairs_and_officials(rows: list[list[str]]) -> None:
    pairs = {_post_pair(r) for r in rows}
    assert 54 <= len(pairs) <= 60
    assert all(len({c for c, _ in pair}) == 2 for pair in pairs)
    names = {name for r in rows for name, _, _ in _sides(r)}
    assert 160 <= len(names) <= 203  # 200 holders, and the three pinned names
    assert len({country for r in rows for _, _, country in _sides(r)}) == 8
    fewer = list(generate(5_000, seed=11, officials=80, pairs=20))
    assert 17 <= len({_post_pair(r) for r in fewer}) <= 20
    assert 50 <= len({name for r in fewer for name, _, _ in _sides(r)}) <= 83


def test_pairs_have_very_different_rhythms_across_holders(rows: list[list[str]]) -> None:
    days: dict[frozenset[tuple[str, str]], list[dt.date]] = defaultdict(list)
    holders: dict[frozenset[tuple[str, str]], set[frozenset[str]]] = defaultdict(set)
    for row in rows:
        pair = _post_pair(row)
        days[pair].append(dt.date.fromisoformat(row[_col("date")]))
        holders[pair].add(frozenset((row[_col("official_a")], row[_col("official_b")])))
    sizes = sorted(len(d) for d in days.values())
    assert sizes[0] <= 2 and sizes[-1] >= 500  # one-off lines and busy lines

    def densest_month(d: list[dt.date]) -> int:
        return max(sum(1 for x in d[i:] if (x - start).days < 30) for i, start in enumerate(d))

    def longest_silence(d: list[dt.date]) -> int:
        return max(((b - a).days for a, b in itertools.pairwise(d)), default=0)

    busy = [d for d in days.values() if len(d) >= 300]
    assert any(densest_month(d) >= 8 for d in busy)  # several contacts a week in a crisis
    assert any(longest_silence(d) >= 3 * 365 for d in days.values() if len(d) >= 20)
    assert max(len(h) for h in holders.values()) >= 5  # a post pair continues across holders


def test_text_is_multilingual_and_tricky(rows: list[list[str]]) -> None:
    names = {name for r in rows for name, _, _ in _sides(r)}
    assert {"Сергей Шойгу", "Sergueï Choïgou", "董军"} <= names
    scripts = {unicodedata.name(c).split()[0] for name in names for c in name if c.isalpha()}
    assert {"LATIN", "CYRILLIC", "CJK", "HANGUL", "ARABIC"} <= scripts
    assert any(not name.isascii() and _scripts(name) == {"LATIN"} for name in names)  # accented Latin
    summaries = [r[_col("summary")] for r in rows]
    assert sum(not s.isascii() for s in summaries) > N * 0.05
    for char in ('"', ",", "\n", "\r\n"):
        assert any(char in s for s in summaries), char
    assert max(map(len, summaries)) > 5_000
    formula = [
        cell
        for r in rows
        for cell in (r[_col("summary")], r[_col("source_publisher")])
        if cell.startswith(FORMULA_STARTS)
    ]
    rows_with_formula = sum(
        r[_col("summary")].startswith(FORMULA_STARTS)
        or r[_col("source_publisher")].startswith(FORMULA_STARTS)
        for r in rows
    )
    assert 0.005 < rows_with_formula / N < 0.02
    assert all(any(cell.startswith(start) for cell in formula) for start in FORMULA_STARTS)
    assert any(r[_col("source_publisher")].startswith(FORMULA_STARTS) for r in rows)


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(c).split()[0] for c in text if c.isalpha()}


# Names the tracker would not confuse ------------------------------------------------------------


def _fold(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).casefold().split())


def _ratio(a: str, b: str) -> float:
    """Indel similarity (0-100) by dynamic programming: an independent check of the generator's."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return 200.0 * previous[-1] / (len(a) + len(b)) if a or b else 100.0


def _alike(a: str, b: str) -> float:
    score = _ratio(a, b)
    ta, tb = set(a.split()), set(b.split())
    if len(ta) >= 2 and len(tb) >= 2:
        sect = " ".join(sorted(ta & tb))
        ab, ba = " ".join(sorted(ta - tb)), " ".join(sorted(tb - ta))
        if sect and not (ab and ba):
            return 100.0
        score = max(score, _ratio(f"{sect} {ab}".strip(), f"{sect} {ba}".strip()))
        if sect:
            score = max(score, _ratio(sect, f"{sect} {ab}"), _ratio(sect, f"{sect} {ba}"))
    return score


def test_names_of_a_country_are_not_alike_nor_mixed_scripts(rows: list[list[str]]) -> None:
    by_country: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for name, _, country in _sides(row):
            by_country[country].add(name)
    alike = []
    for country, names in by_country.items():
        folded = sorted(_fold(n) for n in names)
        for a, b in itertools.combinations(folded, 2):
            if _alike(a, b) >= 85:  # where the tracker starts asking "did you mean"
                alike.append((country, a, b))
        for name in names:
            for word in re.findall(r"\w+", name):
                assert len(_scripts(word) & {"LATIN", "CYRILLIC", "GREEK"}) <= 1, name
    assert alike == []
