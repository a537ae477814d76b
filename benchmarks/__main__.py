"""Time the CSV export, its memory, the timeline page and gap analysis against in-run baselines.

The machines are shared and noisy, so no figure stands alone: each is the median of a few
repetitions, timed in turns with a baseline from the same run, and reported as a ratio to it.
Run from the project root: ``python -m benchmarks [--quick] [--events N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import io
import math
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from tracker import analysis, create_app, queries
from tracker.csvio import COLUMNS
from tracker.db import get_engine, make_engine, upgrade_database
from tracker.models import EventCreate

SEED = 2024
DEFAULT_EVENTS = 20_000
QUICK_EVENTS = 2_000
TIMELINE_EVENTS = 2_000
QUICK_TIMELINE_EVENTS = 500
TIMELINE_PAIRS = 40
GAP_SIZES = (1_000, 10_000, 100_000)
#: Events ``add_events`` stores per transaction while filling a database.
BATCH = 1_000
MIB = 1024 * 1024
#: Rows ``queries.iter_events`` reads at a time: memory is flat only beyond one batch.
READ_BATCH = 1_000
#: Most repetitions of a memory measurement (tracing is slow, and peaks vary little).
MEMORY_RUNS = 3


# Synthetic data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """An official as the synthetic events name them."""

    name: str
    role: str
    country: str


WEST = (
    Side("Daniel Harper", "Secretary of Defense", "US"),
    Side("Margaret Ellis", "Secretary of State", "US"),
    Side("Robert Kline", "National Security Advisor", "US"),
    Side("Susan Okafor", "Chairman of the Joint Chiefs of Staff", "US"),
    Side("Thomas Reyes", "Commander of US Indo-Pacific forces", "US"),
    Side("Fiona Grant", "Secretary of State for Defence", "UK"),
    Side("Oliver Hughes", "Foreign Secretary", "UK"),
    Side("Catherine Moss", "National Security Adviser", "UK"),
    Side("James Whitfield", "Chief of the Defence Staff", "UK"),
    Side("Helen Carter", "Ambassador to China", "UK"),
)
EAST = (
    Side("Li Wenjun", "Minister of National Defense", "China"),
    Side("Zhao Minghua", "Minister of Foreign Affairs", "China"),
    Side("Chen Haoran", "Director of the Foreign Affairs Commission Office", "China"),
    Side("Wang Jiayi", "Chief of the Joint Staff Department", "China"),
    Side("Sun Lei", "Commander of the Southern Theater", "China"),
    Side("Igor Petrov", "Minister of Defence", "Russia"),
    Side("Anna Volkova", "Minister of Foreign Affairs", "Russia"),
    Side("Nikolai Orlov", "Secretary of the Security Council", "Russia"),
    Side("Pavel Sokolov", "Chief of the General Staff", "Russia"),
    Side("Dmitri Lebedev", "Ambassador to the United States", "Russia"),
)
PUBLISHERS = {
    "US": ("U.S. Department of Defense", "https://www.defense.gov/News/Releases/Release/Article/"),
    "UK": ("UK Ministry of Defence", "https://www.gov.uk/government/news/"),
    "China": ("Ministry of National Defense of the PRC", "http://eng.mod.gov.cn/xb/News_213114/"),
    "Russia": ("Ministry of Defence of the Russian Federation", "https://eng.mil.ru/en/news_page/country/"),
}
TOPICS = (
    "incident in the South China Sea",
    "drone downed over the Black Sea",
    "notification of missile tests",
    "maritime safety agreement",
    "exchange of detained nationals",
    "upgrade of the military hotline",
)
SUMMARIES = (
    'Discussed the {topic}; both sides "agreed to keep channels open".',
    "Raised the {topic}, and asked for a follow-up call within the month.",
    "Exchanged views on the {topic}, arms control and crisis communication.",
    "Readout: the {topic} was discussed at length, without agreement.",
)
FIRST_DAY = dt.date(2015, 1, 1)
TEN_YEARS = 3_653
CHANNELS = ("phone", "video", "in_person", "hotline", "letter", "other")
CHANNEL_WEIGHTS = (40, 20, 20, 10, 5, 5)
STATUSES = ("held", "attempted", "refused", "unknown")
STATUS_WEIGHTS = (75, 12, 8, 5)
PRECISIONS = ("day", "week", "month", "approximate")
PRECISION_WEIGHTS = (85, 5, 5, 5)


def synthetic_events(count: int, rng: random.Random, *, pairs: int | None = None) -> list[EventCreate]:
    """``count`` valid events between officials of rival sides, dated over ten years.

    With ``pairs`` the events fall on that many pairs chosen at random, else on any of the 100.
    """
    every_pair = [(west, east) for west in WEST for east in EAST]
    chosen = rng.sample(every_pair, pairs) if pairs is not None else every_pair
    return [_event(rng, *rng.choice(chosen)) for _ in range(count)]


def _event(rng: random.Random, west: Side, east: Side) -> EventCreate:
    a, b = (west, east) if rng.random() < 0.5 else (east, west)
    day = FIRST_DAY + dt.timedelta(days=rng.randrange(TEN_YEARS))
    precision = rng.choices(PRECISIONS, PRECISION_WEIGHTS)[0]
    spans = precision == "day" and rng.random() < 0.05
    publisher, url = PUBLISHERS[a.country]
    return EventCreate.model_validate(
        {
            "date": day,
            "date_end": day + dt.timedelta(days=rng.randint(1, 3)) if spans else None,
            "date_precision": precision,
            "official_a": a.name,
            "role_a": a.role,
            "country_a": a.country,
            "official_b": b.name,
            "role_b": b.role,
            "country_b": b.country,
            "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
            "status": rng.choices(STATUSES, STATUS_WEIGHTS)[0],
            "initiated_by": rng.choice((a.name, b.name, "")),
            "summary": rng.choice(SUMMARIES).format(topic=rng.choice(TOPICS)),
            "source_url": f"{url}{rng.randrange(10**6, 10**7)}/",
            "source_publisher": publisher,
            "source_date": day + dt.timedelta(days=rng.randint(0, 2)),
        }
    )


@dataclass(frozen=True, slots=True)
class PlainEvent:
    """An event of one pair with just the fields ``analysis.gaps`` reads."""

    id: int
    date: dt.date
    date_end: dt.date | None
    date_precision: str
    status: str
    pair_key: str


def one_pair_events(count: int, rng: random.Random) -> list[PlainEvent]:
    """``count`` events of one pair over 35 years, in random order (so sorting has work to do)."""
    first = dt.date(1990, 1, 1)
    return [
        PlainEvent(
            id=i + 1,
            date=first + dt.timedelta(days=rng.randrange(35 * 365)),
            date_end=None,
            date_precision=rng.choices(PRECISIONS, PRECISION_WEIGHTS)[0],
            status=rng.choices(STATUSES, STATUS_WEIGHTS)[0],
            pair_key="1:2",
        )
        for i in range(count)
    ]


# Databases and the app -------------------------------------------------------------------------


def progress(text: str, *, done: bool) -> None:
    """Show progress on stderr: rewritten in place on a terminal, else only when done."""
    if sys.stderr.isatty():
        sys.stderr.write("\r" + text + ("\n" if done else ""))
    elif done:
        sys.stderr.write(text + "\n")
    sys.stderr.flush()


def fill_database(url: str, items: Sequence[EventCreate], what: str) -> None:
    """Migrate a fresh database at ``url`` and store ``items`` through the one write path."""
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        started = time.perf_counter()
        if not sys.stderr.isatty():
            sys.stderr.write(f"storing {what}: {len(items):,} events through queries.add_events ...\n")
        for first in range(0, len(items), BATCH):
            with Session(engine) as session:
                queries.add_events(session, items[first : first + BATCH])
            stored = min(first + BATCH, len(items))
            rate = stored / (time.perf_counter() - started)
            done = stored == len(items)
            progress(f"storing {what}: {stored:,}/{len(items):,} events ({rate:,.0f} events/s)", done=done)
    finally:
        engine.dispose()


@contextmanager
def tracker_app(url: str) -> Iterator[Flask]:
    """The app on the database at ``url``; its engine is disposed of afterwards."""
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    try:
        yield app
    finally:
        with app.app_context():
            get_engine().dispose()


def stream_csv(client: FlaskClient, events: int) -> int:
    """Stream ``/events.csv`` chunk by chunk, keeping no chunk; the number of lines read."""
    response = client.get("/events.csv")
    try:
        if response.status_code != 200:
            raise RuntimeError(f"/events.csv answered {response.status}")
        lines = 0
        # the test client hands over the app's iterator of encoded chunks, unbuffered
        for chunk in cast("Iterable[bytes]", response.response):
            lines += chunk.count(b"\n")
    finally:
        response.close()
    if lines != events + 1:
        raise RuntimeError(f"/events.csv streamed {lines} lines, expected {events + 1}")
    return lines


BASELINE_SQL = """
SELECT e.id, e.date, e.date_end, e.date_precision, a.name, e.role_a, a.country, b.name, e.role_b,
       b.country, e.channel, e.status, coalesce(i.name, ''), e.summary, e.source_url,
       e.source_publisher, e.source_date
FROM contact_event AS e
JOIN official AS a ON a.id = e.official_a_id
JOIN official AS b ON b.id = e.official_b_id
LEFT JOIN official AS i ON i.id = e.initiated_by_id
WHERE e.deleted_at IS NULL
ORDER BY e.date, e.id
"""


def csv_baseline(path: Path, columns: Sequence[str], events: int) -> int:
    """The same rows by a plain ``sqlite3`` SELECT, written with ``csv.writer`` into memory."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    connection = sqlite3.connect(path)
    try:
        rows = 0
        for row in connection.execute(BASELINE_SQL):
            writer.writerow(row)
            rows += 1
    finally:
        connection.close()
    if rows != events:
        raise RuntimeError(f"the baseline SELECT read {rows} rows, expected {events}")
    return rows


def get_page(client: FlaskClient, path: str) -> int:
    """GET ``path`` in full; the size of the page in bytes."""
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return len(response.data)


# Measuring -------------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes, after a garbage collection."""
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def median_times(subjects: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each callable: one unmeasured call each, then ``repeat`` rounds in turns.

    Taking turns spreads the machine's slow moments over subject and baseline alike.
    """
    for fn in subjects.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(repeat):
        for name, fn in subjects.items():
            times[name].append(timed(fn))
    return {name: statistics.median(values) for name, values in times.items()}


def peak_memory(fn: Callable[[], object], repeat: int) -> float:
    """Median peak of memory traced by ``tracemalloc`` during ``fn``, in bytes, after a warm-up call."""
    fn()
    peaks = []
    for _ in range(repeat):
        gc.collect()
        tracemalloc.start()
        try:
            fn()
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    return statistics.median(peaks)


# Benchmarks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One line of the report: a measurement, its baseline and their ratio."""

    benchmark: str
    measured: str
    baseline: str
    ratio: float
    note: str = ""


def seconds(value: float) -> str:
    """A duration with a unit that keeps three significant digits readable."""
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.1f} us"


def bench_csv_export(client: FlaskClient, path: Path, events: int, repeat: int) -> Result:
    """Streaming ``/events.csv`` against a plain SELECT written with ``csv.writer``."""
    times = median_times(
        {
            "baseline": lambda: csv_baseline(path, COLUMNS, events),
            "export": lambda: stream_csv(client, events),
        },
        repeat,
    )
    export, baseline = times["export"], times["baseline"]
    return Result(
        f"CSV export, GET /events.csv, N={events:,}",
        f"{seconds(export)} ({events / export:,.0f} rows/s)",
        f"sqlite3 + csv.writer {seconds(baseline)} ({events / baseline:,.0f} rows/s)",
        export / baseline,
    )


def bench_csv_memory(big: FlaskClient, small: FlaskClient, events: int, repeat: int) -> Result:
    """Peak traced memory while streaming the export of N events against N/10 events."""
    runs = min(repeat, MEMORY_RUNS)
    peak_big = peak_memory(lambda: stream_csv(big, events), runs)
    peak_small = peak_memory(lambda: stream_csv(small, events // 10), runs)
    return Result(
        f"CSV export peak memory, N={events:,}",
        f"{peak_big / MIB:.2f} MiB",
        f"N/10={events // 10:,}: {peak_small / MIB:.2f} MiB",
        peak_big / peak_small,
        "~1 if streamed; ~10 if buffered"
        if events // 10 >= READ_BATCH
        else f"not telling: N/10 is under one {READ_BATCH:,}-row read batch",
    )


def bench_timeline(client: FlaskClient, app: Flask, events: int, repeat: int) -> list[Result]:
    """The timeline page and the pair statistics, each against ``queries.list_events`` alone."""
    with app.app_context():
        engine = get_engine()

    def list_events() -> list[queries.EventRow]:
        with Session(engine) as session:
            return queries.list_events(session, lanes="post")  # the page's default lanes

    rows = list_events()
    lanes = len({row.pair_key for row in rows})
    as_of = dt.datetime.now(dt.UTC).date()
    times = median_times(
        {
            "list_events": list_events,
            "page": lambda: get_page(client, "/"),
            "stats": lambda: analysis.all_pair_stats(rows, as_of=as_of),
        },
        repeat,
    )
    baseline = f"list_events {seconds(times['list_events'])}"
    size = get_page(client, "/") / 1024
    return [
        Result(
            f"Timeline page, GET /, {events:,} events, {lanes} pairs",
            seconds(times["page"]),
            baseline,
            times["page"] / times["list_events"],
            f"page of {size:,.0f} KiB with Plotly figures",
        ),
        Result(
            "analysis.all_pair_stats on the same events",
            seconds(times["stats"]),
            baseline,
            times["stats"] / times["list_events"],
        ),
    ]


def bench_gaps(sizes: Sequence[int], repeat: int, rng: random.Random, *, work: int) -> list[Result]:
    """``analysis.gaps`` per event on one pair of each size, against the smallest size.

    Each measurement handles about ``work`` events (small sizes run several times), so every
    size is timed over a similar stretch.
    """
    data = {size: one_pair_events(size, rng) for size in sizes}
    loops = {size: max(1, work // size) for size in sizes}

    def run(size: int) -> Callable[[], object]:
        return lambda: [analysis.gaps(data[size]) for _ in range(loops[size])]

    times = median_times({str(size): run(size) for size in sizes}, repeat)
    per_event = {size: times[str(size)] / (loops[size] * size) for size in sizes}
    smallest = sizes[0]
    return [
        Result(
            f"analysis.gaps, {size:,} events of one pair",
            f"{seconds(per_event[size])}/event",
            f"{smallest:,} events: {seconds(per_event[smallest])}/event",
            per_event[size] / per_event[smallest],
            f"~1 ideal; a pure n log n sort: {_log_ratio(size, smallest):.2f}" if size != smallest else "",
        )
        for size in sizes
    ]


def _log_ratio(size: int, smallest: int) -> float:
    """How much more a sort costs per element at ``size`` than at ``smallest`` (log n / log n0)."""
    return math.log(size) / math.log(smallest)


# Report ----------------------------------------------------------------------------------------


def say(text: str = "") -> None:
    """Write a line of the report to stdout."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def table(results: Sequence[Result]) -> str:
    """The results as a plain-text table with aligned columns."""
    header = ("benchmark", "measured (median)", "baseline (median)", "ratio", "note")
    cells = [header] + [(r.benchmark, r.measured, r.baseline, f"{r.ratio:.2f}x", r.note) for r in results]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if i == 3 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in cells[1:])])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    def positive(text: str) -> int:
        value = int(text)
        if value < 10:
            raise argparse.ArgumentTypeError("must be at least 10")
        return value

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of the tracker, each reported as a ratio to a baseline timed in the same run.",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and one repetition: a smoke run")
    parser.add_argument(
        "--events", type=positive, metavar="N", help=f"events for the CSV export (default {DEFAULT_EVENTS:,})"
    )
    parser.add_argument("--repeat", type=int, metavar="R", help="measured repetitions (default 5, quick 1)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark and print the report; an exception (exit status 1) means a crash."""
    args = parse_args(argv)
    events = args.events or (QUICK_EVENTS if args.quick else DEFAULT_EVENTS)
    repeat = max(1, args.repeat or (1 if args.quick else 5))
    timeline_events = QUICK_TIMELINE_EVENTS if args.quick else TIMELINE_EVENTS
    rng = random.Random(SEED)
    started = time.perf_counter()

    say("Contact timeline tracker benchmarks" + (" (quick)" if args.quick else ""))
    say(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}"
    )
    say(
        f"N = {events:,} events (N/10 = {events // 10:,}); timeline {timeline_events:,} events over "
        f"{TIMELINE_PAIRS} pairs; gaps on {', '.join(f'{s:,}' for s in GAP_SIZES)} events; "
        f"median of {repeat} run(s) after a warm-up (memory: {min(repeat, MEMORY_RUNS)}); seed {SEED}"
    )
    say()

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        paths = {name: Path(tmp) / f"{name}.sqlite3" for name in ("big", "small", "timeline")}
        urls = {name: f"sqlite:///{path}" for name, path in paths.items()}
        fill_database(urls["big"], synthetic_events(events, rng), "N")
        fill_database(urls["small"], synthetic_events(events // 10, rng), "N/10")
        fill_database(
            urls["timeline"], synthetic_events(timeline_events, rng, pairs=TIMELINE_PAIRS), "timeline"
        )

        with tracker_app(urls["big"]) as big, tracker_app(urls["small"]) as small:
            sys.stderr.write("timing the CSV export ...\n")
            results.append(bench_csv_export(big.test_client(), paths["big"], events, repeat))
            sys.stderr.write("tracing memory of the CSV export ...\n")
            results.append(bench_csv_memory(big.test_client(), small.test_client(), events, repeat))
        with tracker_app(urls["timeline"]) as app:
            sys.stderr.write("timing the timeline page ...\n")
            results.extend(bench_timeline(app.test_client(), app, timeline_events, repeat))

    sys.stderr.write("timing gap analysis ...\n")
    work = GAP_SIZES[1] if args.quick else GAP_SIZES[-1]
    results.extend(bench_gaps(GAP_SIZES, repeat, rng, work=work))

    say(table(results))
    say()
    say(f"ratio = measured / baseline, both timed in this run; total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
