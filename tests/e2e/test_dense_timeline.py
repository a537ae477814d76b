"""The timeline on a realistic, crowded record (#10): real contacts as several outlets reported them,
a dense crisis period with uncertain dates, context events close together.

At 1280 × 800 and 390 × 844: no two text elements of the timeline overlap (whole record and zoomed
in on the crowded spring), every lane runs on to today with its silence written beside its name, and
the first screen of ``/pairs`` answers which lines are silent, how long, the longest silence and the
refusals in it. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, ViewportSize

from tests.e2e.conftest import ARTIFACTS, PageProblems, serve, settled, snap, wait_for_chart
from tests.helpers import AS_OF, EXAMPLE_EVENT, make_csv

pytestmark = pytest.mark.e2e

REAL = Path(__file__).resolve().parents[1] / "data" / "real_contacts" / "reports.csv"
SIZES: dict[str, ViewportSize] = {
    "1280": {"width": 1280, "height": 800},
    "390": {"width": 390, "height": 844},
}

#: Every visible text element of the timeline with its box (page pixels).
TEXTS = """() => {
  const out = [];
  document.querySelectorAll('#timeline-chart text').forEach(t => {
    const text = t.textContent.trim();
    const r = t.getBoundingClientRect();
    if (!text || !r.width || !r.height) return;
    const style = getComputedStyle(t);
    if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return;
    if (t.closest('.hoverlayer')) return;
    out.push({text: text, x: r.x, y: r.y, w: r.width, h: r.height});
  });
  return out;
}"""


def crisis_rows() -> list[dict[str, str]]:
    """A crowded spring: calls, refusals and unanswered attempts every few days, some dated loosely."""
    rows = []
    day = dt.date(2022, 2, 20)
    kinds = [
        ("refused", "day"),
        ("attempted", "week"),
        ("refused", "day"),
        ("held", "day"),
        ("attempted", "month"),
    ]
    for i in range(40):
        status, precision = kinds[i % len(kinds)]
        rows.append(
            {
                **EXAMPLE_EVENT,
                "id": "",
                "date": day.isoformat(),
                "date_precision": precision,
                "status": status,
                "initiated_by": "Lloyd Austin" if status != "held" else "",
                "summary": f"Crisis contact {i + 1}: {status} ({precision}).",
                "source_date": (day + dt.timedelta(days=1)).isoformat(),
            }
        )
        day += dt.timedelta(days=3 if i % 3 else 2)
    # the Milley–Gerasimov line in the same weeks
    for i, when in enumerate(("2022-03-04", "2022-03-11", "2022-03-23", "2022-04-02")):
        rows.append(
            {
                **EXAMPLE_EVENT,
                "id": "",
                "date": when,
                "official_a": "Mark Milley",
                "role_a": "Chairman of the Joint Chiefs",
                "official_b": "Valery Gerasimov",
                "role_b": "Chief of the Russian General Staff",
                "status": "refused" if i % 2 else "attempted",
                "initiated_by": "Mark Milley",
                "summary": "Calls not taken.",
                "source_date": when,
            }
        )
    return rows


@pytest.fixture
def dense_server(seeded: Flask, server_port: int, tmp_path: Path) -> Iterator[str]:
    runner = seeded.test_cli_runner()
    with open(REAL, encoding="utf-8", newline="") as f:
        reports = list(csv.DictReader(f))
    out = io.StringIO()
    writer = csv.DictWriter(out, [c for c in reports[0] if c != "contact"], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(reports)
    (tmp_path / "real.csv").write_text(out.getvalue(), encoding="utf-8")
    (tmp_path / "crisis.csv").write_bytes(make_csv(crisis_rows()))
    for name in ("real.csv", "crisis.csv"):
        result = runner.invoke(args=["import-csv", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    client = seeded.test_client()
    for date, title, countries in (
        ("2022-03-16", "Russian strike near the Polish border", "Russia, Ukraine, Poland"),
        ("2022-04-14", "Cruiser Moskva sunk in the Black Sea", "Russia, Ukraine"),
        ("2022-04-28", "US Congress approves Ukraine aid package", "United States, Ukraine"),
        ("2023-03-14", "US MQ-9 drone downed over the Black Sea", "United States, Russia"),
        ("2022-08-02", "Pelosi visits Taiwan", "United States, China"),
    ):
        response = client.post("/context", data={"date": date, "title": title, "countries": countries})
        assert response.status_code == 302, response.get_data(as_text=True)
    yield from serve(seeded, server_port)


def overlaps(texts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"] - 1
                and b["x"] < a["x"] + a["w"] - 1
                and a["y"] < b["y"] + b["h"] - 1
                and b["y"] < a["y"] + a["h"] - 1
            ):
                found.append((a["text"], b["text"]))
    return found


def lanes_reach_today(page: Page) -> list[str]:
    """The lanes whose open silence does not run on to today, or whose title does not give the silence."""
    return page.evaluate(
        """today => { const el = document.getElementById('timeline-chart');
          const lanes = el.layout.meta.lanes;
          const open = el.data.filter(t => String(t.name || '').startsWith('silence now'));
          const titles = (el.layout.annotations || []).filter(a => String(a.name || '').startsWith('lane:'));
          const wrong = [];
          for (const lane of lanes) {
            const title = titles.find(a => a.name === 'lane:' + lane.key);
            const shown = [...document.querySelectorAll('#timeline-chart .annotation-text')]
              .map(t => t.textContent);
            if (!title || title.visible === false || !shown.some(s => s.includes(lane.silence))) wrong.push(lane.key + ' untitled');
            if (!lane.open) continue;
            const reaches = open.some(t => t.x.some((x, i) => x === today && t.y[i] === lane.y));
            if (!reaches) wrong.push(lane.key + ' stops short of today');
          }
          return wrong; }""",
        AS_OF.isoformat(),
    )


@pytest.mark.parametrize("size", SIZES)
def test_no_text_of_the_timeline_overlaps_and_every_lane_reaches_today(
    page: Page, dense_server: str, problems: PageProblems, size: str
) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto(dense_server + "/")
    wait_for_chart(page)
    page.locator("#timeline-chart").scroll_into_view_if_needed()
    settled(page)
    texts = page.evaluate(TEXTS)
    assert len(texts) > 20  # titles, labels, notes and ticks are there to be measured
    assert overlaps(texts) == []
    assert lanes_reach_today(page) == []
    lanes = page.evaluate("() => document.getElementById('timeline-chart').layout.meta.lanes.length")
    assert lanes >= 8
    snap(page, f"dense-timeline-{size}")
    page.locator(".timeline-card").screenshot(path=str(ARTIFACTS / f"dense-timeline-chart-{size}.png"))
    # zoomed in on the crowded spring of 2022: more labels fit, still none on another
    page.fill("#range-start", "2022-02-10")
    page.fill("#range-end", "2022-06-10")
    page.locator("#range-end").dispatch_event("change")
    page.wait_for_function(
        "() => String(document.getElementById('timeline-chart')._fullLayout.xaxis.range[0]).startsWith('2022-02-10')"
    )
    settled(page)
    zoomed = page.evaluate(TEXTS)
    assert overlaps(zoomed) == []
    gap_labels = [t for t in zoomed if t["text"].endswith(" d") or t["text"].endswith("days")]
    assert gap_labels, " | ".join(t["text"] for t in zoomed)
    page.locator("#timeline-chart").scroll_into_view_if_needed()
    page.locator(".timeline-card").screenshot(path=str(ARTIFACTS / f"dense-timeline-spring-chart-{size}.png"))
    assert problems.items == []


@pytest.mark.parametrize("size", SIZES)
def test_first_screen_of_the_board_answers_who_is_silent_how_long_and_who_refused(
    page: Page, dense_server: str, problems: PageProblems, size: str
) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto(dense_server + "/pairs")
    height = SIZES[size]["height"]
    snap(page, f"dense-pairs-{size}")
    summary = page.locator("#level-summary")
    assert summary.bounding_box()["y"] + summary.bounding_box()["height"] <= height  # type: ignore[index]
    first = page.locator("#pair-stats tbody tr").first
    for cell in (".pair-cell", ".silence-cell", "[data-label='Longest gap']"):
        box = first.locator(cell).bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (cell, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"], (cell, box)
    text = first.inner_text()
    assert "days" in text and "refusal" in text and "→" in text
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"]
    snap(page, f"dense-pairs-{size}")
    assert problems.items == []
