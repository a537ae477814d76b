"""Pure: the timeline's trace builders and the frequency chart, without the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker import charts
from tracker.analysis import HolderChange, gaps
from tracker.vocabulary import Channel, Status

D = dt.date


@dataclass(frozen=True)
class Ev:
    id: int
    date: dt.date
    status: str = "held"
    channel: str = "phone"
    date_end: dt.date | None = None
    date_precision: str = "day"
    pair_key: str = "1:2"
    pair_label: str = "Lloyd Austin – Sergei Shoigu"
    official_a: str = "Lloyd Austin"
    role_a: str = ""
    official_b: str = "Sergei Shoigu"
    role_b: str = ""
    initiated_by: str = ""
    summary: str = ""
    source_publisher: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class Context:
    date: dt.date
    title: str


SEED = [
    Ev(1, D(2022, 2, 18)),
    Ev(2, D(2022, 3, 1), status="refused", channel="hotline", date_end=D(2022, 5, 9), date_precision="week"),
    Ev(3, D(2022, 5, 13), channel="video"),
]


def test_span_trace_covers_each_uncertain_event_from_earliest_to_latest_day() -> None:
    trace = charts.span_trace(SEED)
    assert trace is not None
    assert list(trace.x) == [D(2022, 3, 1), D(2022, 5, 15), None]
    assert charts.span_trace(SEED[:1]) is None


def test_gap_traces_draw_a_line_and_a_label_per_gap_with_refusals_in_the_hover() -> None:
    line, labels = charts.gap_traces(SEED, {"1:2": gaps(SEED)})
    assert list(line.x) == [D(2022, 2, 18), D(2022, 5, 13), None]
    assert list(labels.text) == ["84 days"]
    assert "1 refusal during this 84-day silence" in labels.hovertext[0]
    assert charts.gap_traces(SEED, {"9:9": gaps(SEED)}) == []


def test_status_traces_one_per_status_with_its_colour_and_the_channel_shape() -> None:
    traces = {t.name: t for t in charts.status_traces(SEED)}
    assert set(traces) == {"held", "refused"}
    assert traces["held"].marker.color == Status.held.color
    assert list(traces["held"].marker.symbol) == [Channel.phone.symbol, Channel.video.symbol]
    assert list(traces["refused"].marker.symbol) == [Channel.hotline.symbol + Status.refused.fill]
    assert list(traces["held"].customdata) == [1, 3]
    # an uncertain event sits in the middle of its possible days
    assert traces["refused"].x[0] == D(2022, 3, 1) + (D(2022, 5, 15) - D(2022, 3, 1)) / 2


def test_status_traces_keep_a_stored_status_that_is_no_longer_in_the_vocabulary() -> None:
    [trace] = charts.status_traces([Ev(1, D(2022, 1, 1), status="withdrawn", channel="pigeon")])
    assert trace.name == "other status" and list(trace.marker.symbol) == [charts.FALLBACK_SYMBOL]


def test_hover_text_escapes_markup_and_names_the_status_and_channel_by_label() -> None:
    text = charts.hover_text(Ev(1, D(2022, 1, 1), channel="in_person", summary="<b>bold</b>"))
    assert "in person · held" in text and "&lt;b&gt;bold&lt;/b&gt;" in text and "<b>bold" not in text


def test_holder_change_trace_labels_the_change_on_its_lane() -> None:
    change = HolderChange("1:2", D(2024, 5, 14), (("Russia", "Shoigu", "Belousov"),), D(2024, 7, 12))
    trace = charts.holder_change_trace(SEED, [change])
    assert trace is not None and list(trace.text) == ["Russia: Shoigu → Belousov"]
    assert charts.holder_change_trace(SEED, [HolderChange("7:8", D(2024, 1, 1), (), D(2024, 1, 1))]) is None


def test_channel_legend_lists_the_channels_in_use_in_vocabulary_order() -> None:
    names = [t.name for t in charts.channel_legend_traces(SEED)]
    assert names == ["phone", "video", "hotline"]


def test_context_marks_a_line_and_a_note_per_context_event() -> None:
    shapes, notes = charts.context_marks([Context(D(2022, 2, 24), "Invasion <script>")])
    assert shapes[0]["x0"] == D(2022, 2, 24)
    assert notes[0]["text"] == "Invasion &lt;script&gt; (2022-02-24)"


def test_timeline_layout_pads_the_range_and_orders_lanes_latest_first() -> None:
    other = Ev(9, D(2023, 1, 1), pair_key="3:4", pair_label="Mark Milley – Valery Gerasimov")
    layout = charts.timeline_layout([*SEED, other], [])
    assert layout["yaxis"]["categoryarray"] == [
        "Lloyd Austin – Sergei Shoigu",
        "Mark Milley – Valery Gerasimov",
    ]
    first, last = layout["xaxis"]["range"]
    assert first < D(2022, 2, 18) and last > D(2023, 1, 1)


def test_timeline_figure_assembles_the_builders() -> None:
    fig = charts.timeline_figure(SEED, {"1:2": gaps(SEED)}, [Context(D(2022, 2, 24), "Invasion")])
    names = [t.name for t in fig.data]
    assert names[:3] == ["date range (uncertain or span)", "gap between held contacts", "gap length"]
    assert {"held", "refused", "phone", "video", "hotline"} <= set(names)
    assert fig.layout.shapes[0].x0 == D(2022, 2, 24)


def test_frequency_figure_stacks_one_series_per_key_with_a_pattern_each() -> None:
    fig = charts.frequency_figure([D(2022, 2, 1), D(2022, 3, 1)], {"a": [1, 0], "b": [0, 2]}, {"a": "A"})
    assert [t.name for t in fig.data] == ["A", "b"]
    assert [t.marker.pattern.shape for t in fig.data] == ["", "/"]
    assert fig.layout.yaxis.dtick == 1


def test_script_json_cannot_close_its_script_element() -> None:
    fig = charts.timeline_figure([Ev(1, D(2022, 1, 1), summary="</script><script>alert(1)</script>")], {})
    text = charts.script_json(fig)
    assert "<" not in text and ">" not in text  # nothing in it can end the element
