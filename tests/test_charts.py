"""Pure: the timeline of a window and the frequency chart, without the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tracker import charts, timeline
from tracker.analysis import Gap, HolderChange
from tracker.vocabulary import Channel, Status

D = dt.date
TODAY = D(2026, 12, 2)


@dataclass(frozen=True)
class M:
    id: int
    mid: dt.date
    key: str = "p1-p2"
    status: str = "held"
    channel: str = "phone"
    earliest: dt.date | None = None
    latest: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str = "day"
    official_a: str = "Lloyd Austin"
    role_a: str = ""
    official_b: str = "Sergei Shoigu"
    role_b: str = ""
    initiated_by: str = ""
    summary: str = ""
    source_publisher: str = ""
    source_url: str = ""

    @property
    def date(self) -> dt.date:
        return self.mid

    def __post_init__(self) -> None:
        object.__setattr__(self, "earliest", self.earliest or self.mid)
        object.__setattr__(self, "latest", self.latest or self.mid)


@dataclass(frozen=True)
class Context:
    date: dt.date
    title: str
    date_end: dt.date | None = None
    id: int | None = 1


OPEN_FROM = D(2024, 7, 12)


def lane(
    key: str = "p1-p2",
    dyad: str = "United States – Russia",
    level: str = "alarm",
    open_from: dt.date | None = OPEN_FROM,
) -> timeline.LaneView:
    return timeline.LaneView(
        key=key,
        label=f"lane {key}",
        dyad=dyad,
        level=level,
        level_label=level.title(),
        reason="why",
        silence_label="873 days",
        open_from=open_from,
        attempts_since=1,
        refusals_since=2,
        since=D(2025, 1, 1),
    )


WINDOW = timeline.Window(D(2022, 1, 1), TODAY, TODAY, 1000)
GAP = Gap("p1-p2", 1, 3, D(2022, 2, 18), D(2022, 5, 13), 84, 84, attempts=0, refusals=1)


def traces(figure: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [t for t in figure["data"] if t.get("name") == name]


def test_lanes_are_grouped_under_a_header_per_dyad_in_the_order_given() -> None:
    rows = timeline.layout_rows([lane("a"), lane("b"), lane("c", dyad="United States – China")])
    assert [d for d, _ in rows.headers] == ["United States – Russia", "United States – China"]
    assert rows.lanes["a"] > rows.lanes["b"] > rows.lanes["c"]
    assert rows.headers[1][1] < rows.lanes["b"] and rows.headers[1][1] > rows.lanes["c"]


def test_each_lane_runs_to_today_with_its_silence_labelled_and_styled_by_level() -> None:
    figure = timeline.timeline_figure(
        [lane(level="alarm"), lane("p3-p4", level="warn", open_from=D(2025, 10, 31))], WINDOW, markers=[]
    )
    [alarm] = traces(figure, "silence now (alarm)")
    assert (
        alarm["x"][:2] == ["2024-07-12", TODAY.isoformat()]
        and alarm["line"]["color"] == timeline.LEVEL_COLORS["alarm"]
    )
    [warning] = traces(figure, "silence now (warning)")
    assert warning["line"]["dash"] == "dash"
    [labels] = traces(figure, "current silence")
    assert labels["text"] == ["873 days and counting", "873 days and counting"]
    assert "1 attempt and 2 refusals since the last contact" in labels["hovertext"][0]
    assert "Alarm since 2025-01-01" in labels["hovertext"][0]
    assert labels["meta"]["open"] and labels["meta"]["priority"][0] > 10**8


def test_the_axis_covers_today_and_a_today_line_is_drawn() -> None:
    figure = timeline.timeline_figure([lane()], WINDOW, markers=[])
    start, end = figure["layout"]["xaxis"]["range"]
    assert start < "2022-01-01" and end > TODAY.isoformat()
    assert any(s["type"] == "line" and s["x0"] == TODAY.isoformat() for s in figure["layout"]["shapes"])
    assert any(n.get("name") == "today" for n in figure["layout"]["annotations"])


def test_uncertain_dates_fade_from_their_earliest_to_their_latest_day() -> None:
    uncertain = M(2, D(2022, 3, 8), earliest=D(2022, 3, 1), latest=D(2022, 3, 15), date_precision="week")
    figure = timeline.timeline_figure([lane()], WINDOW, markers=[M(1, D(2022, 2, 18)), uncertain])
    fades = [t for t in figure["data"] if t.get("legendgroup") == "uncertain"]
    assert len(fades) == 3  # nested bars: the middle is the darkest
    assert fades[0]["x"][:2] == ["2022-03-01", "2022-03-15"]
    assert "2022-03-01" < fades[2]["x"][0] and fades[2]["x"][1] < "2022-03-15"


def test_markers_carry_status_colour_and_fill_channel_shape_and_escaped_hovers() -> None:
    events = [
        M(1, D(2022, 2, 18)),
        M(2, D(2022, 3, 1), status="refused", channel="hotline", summary="<b>no</b>"),
    ]
    figure = timeline.timeline_figure([lane()], WINDOW, markers=events)
    [held] = traces(figure, "held")
    [refused] = traces(figure, "refused")
    assert held["marker"]["color"] == Status.held.color and held["customdata"] == [1]
    assert refused["marker"]["symbol"] == [Channel.hotline.symbol + Status.refused.fill]
    assert "&lt;b&gt;no&lt;/b&gt;" in refused["hovertext"][0] and "<b>no" not in refused["hovertext"][0]
    assert refused["meta"]["labels"] == ["2022-03-01 · Lloyd Austin – Sergei Shoigu · hotline, refused"]
    # a stored status no longer in the vocabulary is still drawn
    [other] = traces(
        timeline.timeline_figure(
            [lane()], WINDOW, markers=[M(3, D(2022, 1, 5), status="withdrawn", channel="pigeon")]
        ),
        "withdrawn",
    )
    assert other["marker"]["symbol"] == ["hexagon"]


def test_a_crowded_window_is_drawn_as_counts_per_stretch_of_days() -> None:
    counts = [("p1-p2", 0, "held", 7), ("p1-p2", 0, "refused", 2), ("p1-p2", 3, "refused", 1)]
    bins = timeline.day_bins(counts, WINDOW.start, 10)
    figure = timeline.timeline_figure([lane()], WINDOW, bins=bins, bin_label="10 days")
    cells = [t for t in figure["data"] if (t.get("meta") or {}).get("kind") == "bins"]
    assert {t["name"] for t in cells} == {"held (many: zoom in)", "refused (many: zoom in)"}
    held = next(t for t in cells if t["name"].startswith("held"))
    assert held["customdata"] == [["p1-p2", "2022-01-01", "2022-01-10"]]
    assert "9 events: 7 held, 2 refused" in held["hovertext"][0]
    assert figure["layout"]["meta"]["detail"] is False and figure["layout"]["meta"]["bin_label"] == "10 days"


def test_gap_labels_are_candidates_with_the_span_they_must_fit_in() -> None:
    figure = timeline.timeline_figure(
        [lane()], WINDOW, markers=[], gaps=[("p1-p2", GAP, D(2022, 2, 18), D(2022, 5, 13))]
    )
    [line] = traces(figure, "gap between held contacts")
    assert line["x"][:2] == ["2022-02-18", "2022-05-13"]
    [labels] = traces(figure, "gap length")
    assert labels["text"] == ["84 days"]
    assert (labels["meta"]["lo"], labels["meta"]["hi"], labels["meta"]["band"]) == (
        ["2022-02-18"],
        ["2022-05-13"],
        "label",
    )
    assert "1 refusal during this 84-day silence" in labels["hovertext"][0]


def test_changes_of_holder_are_labelled_below_their_lane() -> None:
    change = HolderChange("p1-p2", D(2024, 5, 14), (("Russia", "Shoigu", "Belousov"),), D(2024, 7, 12))
    figure = timeline.timeline_figure([lane()], WINDOW, markers=[], changes=[change])
    [labels] = traces(figure, "change of holder label")
    rows = timeline.layout_rows([lane()])
    assert labels["text"] == ["Russia: Shoigu → Belousov"] and labels["y"][0] < rows.lanes["p1-p2"]
    assert labels["meta"]["free"]  # placed wherever it is not clipped, not in a span
    outside = HolderChange("p1-p2", D(2001, 1, 1), (("Russia", "A", "B"),), D(2001, 1, 1))
    assert (
        traces(
            timeline.timeline_figure([lane()], WINDOW, markers=[], changes=[outside]),
            "change of holder label",
        )
        == []
    )


def test_context_events_are_lines_or_shaded_spans_with_notes_above_the_plot() -> None:
    figure = timeline.timeline_figure(
        [lane()],
        WINDOW,
        markers=[],
        context=[
            Context(D(2022, 2, 24), "Invasion <script>"),
            Context(D(2023, 1, 1), "Crisis", D(2023, 3, 1)),
        ],
    )
    rects = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
    assert rects == [s for s in rects if s["x0"] == "2023-01-01" and s["x1"] == "2023-03-01"] and rects
    notes = [n for n in figure["layout"]["annotations"] if n.get("name") == "context"]
    assert notes[0]["text"] == "Invasion &lt;script&gt;" and notes[0]["yref"] == "paper"


def test_lane_titles_name_the_level_and_the_silence_and_escape_names() -> None:
    figure = timeline.timeline_figure(
        [
            timeline.LaneView("p1-p2", "<b>x</b> – y", "A – B", "warn", "Warning", "", "5 days", None),
            lane("p3-p4", open_from=OPEN_FROM),
        ],
        WINDOW,
        markers=[],
    )
    titles = {
        n["name"]: n["text"] for n in figure["layout"]["annotations"] if n.get("name", "").startswith("lane:")
    }
    assert "Warning · 5 days" in titles["lane:p1-p2"]  # no open silence: the words as they are
    assert "&lt;b&gt;x&lt;/b&gt;" in titles["lane:p1-p2"] and "<b>x" not in titles["lane:p1-p2"]
    assert "Alarm · silent 873 days</b></span> · lane p3-p4" in titles["lane:p3-p4"]
    lanes = {lane["key"]: lane for lane in figure["layout"]["meta"]["lanes"]}
    assert (lanes["p3-p4"]["open"], lanes["p3-p4"]["silence"], lanes["p1-p2"]["open"]) == (
        True,
        "873 days",
        False,
    )


def test_frequency_figure_stacks_one_series_per_key_without_empty_periods() -> None:
    figure = charts.frequency_figure(
        {"a": {D(2022, 2, 1): 1}, "b": {D(2022, 3, 1): 2, D(2024, 1, 1): 1}}, {"a": "A <i>"}, period="month"
    )
    assert [t["name"] for t in figure["data"]] == ["A &lt;i&gt;", "b"]
    assert figure["data"][1]["x"] == ["2022-03-01", "2024-01-01"]  # no zero-filled months between
    assert [t["marker"]["pattern"]["shape"] for t in figure["data"]] == ["", "/"]
    assert figure["layout"]["yaxis"]["dtick"] == 1


def test_dumps_cannot_close_its_script_element() -> None:
    text = charts.dumps({"text": "</script><script>alert(1)</script>", "day": D(2022, 1, 1)})
    assert "<" not in text and ">" not in text and '"2022-01-01"' in text


def test_chart_text_escapes_markup_but_not_quotes() -> None:
    # Plotly reads <b>, <a href> and <br> in any label as markup, but of the named entities it reads
    # only a few: "&quot;" and "&#x27;" would be shown as they are written (#11).
    typed = """Say "hi" & <b>'bye'</b>"""
    assert charts.plotly_text(typed) == "Say \"hi\" &amp; &lt;b&gt;'bye'&lt;/b&gt;"
    figure = timeline.timeline_figure(
        [timeline.LaneView("p1-p2", typed + " – y", "A – B", "warn", "Warning", "", "5 days", None)],
        WINDOW,
        markers=[M(1, D(2023, 1, 5), official_a=typed, summary=typed, source_publisher=typed)],
        context=[Context(D(2023, 1, 1), typed)],
    )
    texts = [n["text"] for n in figure["layout"]["annotations"]]
    texts += [h for t in figure["data"] for h in t.get("hovertext", []) if isinstance(h, str)]
    shown = [t for t in texts if "Say" in t]
    assert len(shown) >= 3 and all(charts.plotly_text(typed) in t for t in shown), shown
    bars = charts.frequency_figure({"k": {D(2023, 1, 1): 1}}, {"k": typed}, what='"held" contacts')
    assert bars["data"][0]["name"] == charts.plotly_text(typed)
    assert '"held" contacts<extra>' in bars["data"][0]["hovertemplate"]


def test_counted_markers_of_a_tall_chart_are_drawn_in_svg_not_webgl() -> None:
    """Chromium's WebGL canvas is bounded: past it the lanes at the bottom were drawn over the top."""
    counts = [("p1-p2", 0, "held", 7)]
    bins = timeline.day_bins(counts, WINDOW.start, 10)
    short = timeline.timeline_figure([lane()], WINDOW, bins=bins, bin_label="10 days")
    many = [lane(key=f"p{i}-p{i + 1}") for i in range(1, 120, 2)]
    tall = timeline.timeline_figure([lane(), *many], WINDOW, bins=bins, bin_label="10 days")
    kind = {"short": short, "tall": tall}
    types = {
        name: {t["type"] for t in fig["data"] if (t.get("meta") or {}).get("kind") == "bins"}
        for name, fig in kind.items()
    }
    assert short["layout"]["height"] <= timeline.GL_MAX_HEIGHT < tall["layout"]["height"]
    assert types == {"short": {"scattergl"}, "tall": {"scatter"}}
