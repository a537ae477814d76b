"""The benchmark runs end to end (``python -m benchmarks --quick``) at a tiny size, so it cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.__main__ import main

EXPECTED = (
    "import-csv, 200 rows",
    "web import 200 (preview + confirm)",
    "import-csv, 50 rows",
    "web import 50 (preview + confirm)",
    "GET /events.csv, 200 rows",
    "plotly.js over the wire (gzip accepted)",
    "GET /, 200 events",
    "GET /pairs, 200 events",
    "GET /pairs/<busiest>, 200 events",
    "GET /api/pairs, 200 events",
    "GET / (computed afresh), 200 events",
    "GET /events.csv, 500 rows",
    "GET /, 50 events",  # two sizes: their pages timed in turns
    "GET / (computed afresh), 50 events",
)


def test_quick_benchmark_prints_every_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "bench.md"
    assert (
        main(
            [
                "--quick",
                "--sizes",
                "50,200",
                "--bulk",
                "500",
                "--repeat",
                "1",
                "--no-browser",
                "--markdown",
                str(report),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    lines = out.splitlines()
    for name in EXPECTED:
        row = next((line for line in lines if line.startswith(name)), None)
        assert row is not None, f"no row {name!r} in:\n{out}"
        assert re.search(r"  \d+\.\d\dx  ", row), f"no ratio in {row!r}"
    text = report.read_text()
    printed = [line for line in lines if re.search(r"  \d+\.\d\dx  ", line)]
    # import, web import, export: 2 sizes each; plotly.js; 5 pages: 2 sizes each; the bulk export
    assert len(printed) == 18
    assert text.count("\n| ") == len(printed) + 1  # header and one line per benchmark
    for name in EXPECTED:
        assert f"| {name} |" in text


def test_import_only_prints_the_import_rows_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--sizes", "200", "--repeat", "1", "--import-only"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if re.search(r"  \d+\.\d\dx  ", line)]
    assert [row.split("  ")[0] for row in rows] == [
        "import-csv, 200 rows",
        "web import 200 (preview + confirm)",
    ]
