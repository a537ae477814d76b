"""Time the import, the CSV export, the pages and plotly.js at several sizes against in-run baselines.

The machines are shared and noisy, so no figure stands alone: each is the median of a few
repetitions, timed in turns with a baseline from the same run, and reported as a ratio to it.
The data are ``benchmarks.synthetic`` rows; the app runs as it does in production: ``flask
import-csv`` in a subprocess and the pages through a real gunicorn server.

Run from the project root: ``python -m benchmarks [--quick] [--sizes 1e3,1e4,1e5] [--repeat R]
[--markdown FILE] [--database-url URL]``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import http.client
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from benchmarks import synthetic

DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (200, 1_000)
MIB = 1024 * 1024
TIME = "/usr/bin/time"
#: What plotly.js may cost over the wire on a first visit.
PLOTLY_BUDGET = 1.6 * 1000 * 1000
COLUMNS = (
    "id,date,date_end,date_precision,official_a,role_a,country_a,official_b,role_b,country_b,"
    "channel,status,initiated_by,summary,source_url,source_publisher,source_date"
).split(",")

#: The export's rows by a plain join: what ``/events.csv`` is measured against.
EXPORT_SQL = """
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


# Measuring -------------------------------------------------------------------------------------


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
    return f"{value * 1e6:.0f} us"


def size_label(n: int) -> str:
    """1000 -> '1e3', 25000 -> '25,000'."""
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else f"{n:,}"


def in_turns(subjects: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Seconds of each callable over ``repeat`` rounds taken in turns (after one unmeasured call each).

    Taking turns spreads the machine's slow moments over subject and baseline alike.
    """
    for fn in subjects.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(repeat):
        for name, fn in subjects.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return times


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(values) for name, values in times.items()}


def progress(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# Databases -------------------------------------------------------------------------------------


def tracker_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(FLASK_DATABASE_URL=url, FLASK_SECRET_KEY="benchmark", FLASK_APP="tracker")
    return env


def flask(url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "tracker", *args]


def fresh_database(url: str) -> None:
    """An empty, migrated database at ``url`` (every table of an earlier run dropped)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        engine = sa.create_engine(url)
        try:
            meta = sa.MetaData()
            meta.reflect(engine)
            meta.drop_all(engine)
        finally:
            engine.dispose()
    subprocess.run(flask(url, "db-upgrade"), env=tracker_env(url), check=True, capture_output=True)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run ``command``: (wall seconds, peak resident memory in bytes)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        wrapped = [TIME, "-f", "%M", "-o", out.name, *command] if Path(TIME).exists() else command
        started = time.perf_counter()
        done = subprocess.run(wrapped, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        text = out.read().strip().splitlines()
    peak = int(text[-1]) * 1024 if text and text[-1].isdigit() else 0
    return wall, peak


def import_csv(url: str, path: Path) -> tuple[float, int]:
    """``flask import-csv`` of ``path`` into a fresh database: (seconds, peak RSS)."""
    fresh_database(url)
    return run_measured(flask(url, "import-csv", "--new-names", "new", str(path)), tracker_env(url))


def executemany_baseline(path: Path) -> None:
    """The same rows read with ``csv.reader`` and stored by one ``sqlite3`` executemany into a bare table."""
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        connection = sqlite3.connect(Path(tmp) / "bare.sqlite3")
        try:
            cells = ", ".join(f"{c} TEXT" for c in COLUMNS[1:])
            connection.execute(f"CREATE TABLE event (id INTEGER PRIMARY KEY, {cells})")
            with path.open(newline="", encoding="utf-8") as f:
                rows = csv.reader(f)
                next(rows)
                marks = ", ".join("?" * len(COLUMNS))
                connection.executemany(
                    f"INSERT INTO event VALUES ({marks})", (r if r[0] else [None, *r[1:]] for r in rows)
                )
            connection.commit()
        finally:
            connection.close()


#: The columns of ``contact_event`` copied as they are by ``grow_events``.
_COPIED = (
    "date, date_end, date_precision, official_a_id, official_b_id, role_a, role_b, pair_key, channel, "
    "status, initiated_by_id, summary, source_url, source_publisher, source_date, created_at, updated_at, "
    "deleted_at, post_a_id, post_b_id, lane_key, earliest, latest, mid, version"
)


def grow_events(url: str, n: int) -> int:
    """Copy the events of a database by bulk SQL (``INSERT ... SELECT`` with new ids) until it holds ``n``.

    The copies share the originals' officials, dates and text: a database of ``n`` events for the
    export, built in seconds rather than by importing ``n`` rows (its lane statistics are not
    brought up to date: only the export is measured on it). Returns how many events it holds.
    """
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            base = int(connection.execute(sa.text("SELECT max(id) FROM contact_event")).scalar_one() or 0)
            have = int(connection.execute(sa.text("SELECT count(*) FROM contact_event")).scalar_one())
            if not have:
                raise RuntimeError("no events to copy")
            copy = 1
            while have < n:
                connection.execute(
                    sa.text(
                        f"INSERT INTO contact_event (id, {_COPIED}) SELECT id + :shift, {_COPIED} "
                        "FROM contact_event WHERE id <= :base ORDER BY id LIMIT :wanted"
                    ),
                    {"shift": copy * base, "base": base, "wanted": n - have},
                )
                have = int(connection.execute(sa.text("SELECT count(*) FROM contact_event")).scalar_one())
                copy += 1
            return have
    finally:
        engine.dispose()


# A server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


#: The master process of each gunicorn server running, by port.
SERVERS: dict[int, int] = {}


def workers_peak_rss(port: int) -> int:
    """The largest peak resident memory (VmHWM) of the server's worker processes so far, in bytes."""
    master = SERVERS.get(port)
    if master is None:
        return 0
    peaks = [0]
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
            if found:
                peaks.append(int(found.group(1)) * 1024)
    return max(peaks)


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int = 2) -> Iterator[int]:
    """A gunicorn server of ``app`` on a free port, until the block ends; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            app,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    SERVERS[port] = process.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        SERVERS.pop(port, None)
        process.terminate()
        process.wait(timeout=30)


@dataclass(frozen=True)
class Fetched:
    status: int
    wire_bytes: int
    headers: dict[str, str]
    body: bytes


def fetch(port: int, path: str, *, gzip_ok: bool = False, keep: bool = True) -> Fetched:
    """GET ``path`` in full: status, bytes over the wire, headers, and the body (decompressed; empty unless ``keep``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip" if gzip_ok else "identity"})
        response = connection.getresponse()
        wire = 0
        chunks = []
        while chunk := response.read(65536):
            wire += len(chunk)
            if keep:
                chunks.append(chunk)
        headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()
    body = b"".join(chunks)
    if body and headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}")
    return Fetched(response.status, wire, headers, body)


# Benchmarks ------------------------------------------------------------------------------------


def bench_import(url: str, path: Path, n: int, repeat: int) -> Result:
    times: dict[str, list[float]] = {"import": [], "baseline": []}
    peaks: list[int] = []
    for _ in range(repeat):
        wall, peak = import_csv(url, path)
        times["import"].append(wall)
        peaks.append(peak)
        started = time.perf_counter()
        executemany_baseline(path)
        times["baseline"].append(time.perf_counter() - started)
    m = medians(times)
    return Result(
        f"import-csv, {size_label(n)} rows",
        f"{seconds(m['import'])}, peak RSS {statistics.median(peaks) / MIB:.0f} MiB",
        f"sqlite3 executemany {seconds(m['baseline'])}",
        m["import"] / m["baseline"],
        "subprocess, interpreter start included",
    )


WEB_USER = ("benchmark", "benchmark-password")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def web_import(url: str, path: Path, uploads: Path) -> tuple[float, float]:
    """Upload ``path`` at ``/import`` and confirm its preview through gunicorn, into a fresh database.

    Returns the seconds of the preview and of the confirmation (every close name recorded as new).
    """
    import requests  # a development dependency, as the benchmarks are

    fresh_database(url)
    env = dict(
        tracker_env(url),
        # the synthetic rows carry long summaries: 1e5 of them are larger than the default 20 MiB limit
        FLASK_MAX_CONTENT_LENGTH=str(max(20 * MIB, 2 * path.stat().st_size)),
        FLASK_IMPORT_FOLDER=str(uploads),
    )
    name, password = WEB_USER
    subprocess.run(
        flask(url, "create-user", name, "--role", "editor", "--password-stdin"),
        env=env,
        input=password + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    with gunicorn("tracker:create_app()", env) as port, requests.Session() as web:
        base = f"http://127.0.0.1:{port}"
        token = _csrf(web.get(f"{base}/login").text)
        logged = web.post(
            f"{base}/login", data={"name": name, "password": password, "csrf_token": token, "next": ""}
        )
        token = _csrf(web.get(f"{base}/import").text)
        if "/login" in logged.url:
            raise RuntimeError("the benchmark user could not log in")
        started = time.perf_counter()
        with path.open("rb") as f:
            shown = web.post(f"{base}/import", data={"csrf_token": token}, files={"file": ("events.csv", f)})
        preview = time.perf_counter() - started
        if shown.status_code != 200:
            raise RuntimeError(f"the preview answered {shown.status_code}: {shown.text[:500]}")
        action = re.search(r'action="(/import/[A-Za-z0-9_-]+)"', shown.text)
        fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', shown.text)
        if not action or not fingerprint:
            raise RuntimeError("the preview has no confirm form")
        form = {"csrf_token": _csrf(shown.text), "fingerprint": fingerprint.group(1)}
        for key in set(re.findall(r'name="(name:[^"]+)" value="new"', shown.text)):
            form[html.unescape(key)] = "new"
        started = time.perf_counter()
        done = web.post(f"{base}{action.group(1)}", data=form, allow_redirects=False)
        confirm = time.perf_counter() - started
        if done.status_code != 303:
            raise RuntimeError(f"the confirmation answered {done.status_code}: {done.text[:500]}")
    return preview, confirm


def bench_web_import(url: str, path: Path, n: int, repeat: int, uploads: Path) -> Result:
    times: dict[str, list[float]] = {"preview": [], "confirm": [], "baseline": []}
    for _ in range(repeat):
        preview, confirm = web_import(url, path, uploads)
        times["preview"].append(preview)
        times["confirm"].append(confirm)
        started = time.perf_counter()
        executemany_baseline(path)
        times["baseline"].append(time.perf_counter() - started)
    m = medians(times)
    return Result(
        f"web import {size_label(n)} (preview + confirm)",
        f"{seconds(m['preview'])} + {seconds(m['confirm'])}",
        f"sqlite3 executemany {seconds(m['baseline'])}",
        (m["preview"] + m["confirm"]) / m["baseline"],
        f"through gunicorn; {path.stat().st_size / MIB:.0f} MiB upload",
    )


def export_baseline(url: str) -> Callable[[], object]:
    """``sqlite3 -csv`` of the export's join (SQLite), or the join through SQLAlchemy and ``csv.writer``."""
    if url.startswith("sqlite:///") and shutil.which("sqlite3"):
        database = url.removeprefix("sqlite:///")

        def cli() -> None:
            subprocess.run(
                ["sqlite3", "-csv", "-header", database, EXPORT_SQL], check=True, stdout=subprocess.DEVNULL
            )

        return cli
    engine = sa.create_engine(url)

    def plain() -> None:
        with engine.connect() as connection, open(os.devnull, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            writer.writerows(connection.execution_options(yield_per=5000).execute(sa.text(EXPORT_SQL)))

    return plain


def bench_export(port: int, url: str, n: int, repeat: int, note: str = "streamed through gunicorn") -> Result:
    fetch(port, "/events.csv", keep=False)
    times = medians(
        in_turns(
            {"export": lambda: fetch(port, "/events.csv", keep=False), "baseline": export_baseline(url)},
            repeat,
        )
    )
    name = "sqlite3 -csv" if url.startswith("sqlite") else "plain SELECT + csv.writer"
    return Result(
        f"GET /events.csv, {size_label(n)} rows",
        f"{seconds(times['export'])} ({n / times['export']:,.0f} rows/s)",
        f"{name} {seconds(times['baseline'])}",
        times["export"] / times["baseline"],
        f"{note}; worker peak RSS {workers_peak_rss(port) / MIB:.0f} MiB",
    )


def page_paths(port: int) -> dict[str, str]:
    """The pages measured at every size: the timeline, the pairs board, its busiest pair, the pairs API."""
    pairs = json.loads(fetch(port, "/api/pairs").body)["items"]
    busiest = max(pairs, key=lambda p: p.get("held") or 0)["pair_key"] if pairs else ""
    paths = {"/": "/", "/pairs": "/pairs", "/api/pairs": "/api/pairs"}
    if busiest:
        paths["/pairs/<busiest>"] = f"/pairs/{busiest}"
    return paths


def measure_pages(port: int, repeat: int) -> dict[str, tuple[float, int]]:
    """Median seconds and gzipped wire bytes of each page."""
    paths = page_paths(port)
    times = medians(in_turns({name: (lambda p=path: fetch(port, p)) for name, path in paths.items()}, repeat))
    return {name: (times[name], fetch(port, paths[name], gzip_ok=True).wire_bytes) for name in paths}


def measure_uncached(port: int, repeat: int) -> dict[str, tuple[float, int]]:
    """The timeline page of a server that computes it afresh for every request (``TIMELINE_CACHE`` off)."""
    times = medians(in_turns({"/": lambda: fetch(port, "/")}, repeat))
    return {"/ (computed afresh)": (times["/"], fetch(port, "/", gzip_ok=True).wire_bytes)}


def measure_pages_in_turns(urls: dict[int, str], repeat: int) -> dict[int, dict[str, tuple[float, int]]]:
    """``measure_pages`` and ``measure_uncached`` of every size at once (one server each), timed in turns."""
    with ExitStack() as stack:
        cached = {
            n: stack.enter_context(gunicorn("tracker:create_app()", tracker_env(u), 1))
            for n, u in urls.items()
        }
        afresh = {
            n: stack.enter_context(
                gunicorn("tracker:create_app()", dict(tracker_env(u), FLASK_TIMELINE_CACHE="false"), 1)
            )
            for n, u in urls.items()
        }
        paths = {n: page_paths(port) for n, port in cached.items()}
        subjects: dict[str, Callable[[], object]] = {}
        where: dict[str, tuple[int, str, int, str]] = {}
        for n in urls:
            for name, path in paths[n].items():
                subjects[f"{n} {name}"] = lambda port=cached[n], path=path: fetch(port, path)
                where[f"{n} {name}"] = (n, name, cached[n], path)
            subjects[f"{n} afresh"] = lambda port=afresh[n]: fetch(port, "/")
            where[f"{n} afresh"] = (n, "/ (computed afresh)", afresh[n], "/")
        times = medians(in_turns(subjects, repeat))
        found: dict[int, dict[str, tuple[float, int]]] = {n: {} for n in urls}
        for label, (n, name, port, path) in where.items():
            found[n][name] = (times[label], fetch(port, path, gzip_ok=True).wire_bytes)
    return found


def page_results(pages: dict[int, dict[str, tuple[float, int]]]) -> list[Result]:
    sizes = sorted(pages)
    smallest = sizes[0]
    results = []
    for name in pages[smallest]:
        for n in sizes:
            if name not in pages[n]:
                continue
            t, wire = pages[n][name]
            t0 = pages[smallest][name][0]
            results.append(
                Result(
                    f"GET {name}, {size_label(n)} events",
                    f"{seconds(t)}, {wire / 1024:,.0f} KiB over the wire",
                    f"at {size_label(smallest)}: {seconds(t0)}",
                    t / t0,
                    "ratio between sizes",
                )
            )
    return results


def bench_plotly(port: int) -> Result:
    html = fetch(port, "/").body.decode()
    found = re.search(r'src="([^"]*plotly[^"]*\.js)"', html)
    if not found:
        raise RuntimeError("the timeline page loads no plotly.js")
    path = found.group(1)
    plain = fetch(port, path)
    zipped = fetch(port, path, gzip_ok=True)
    if zipped.body != plain.body:
        raise RuntimeError("plotly.js decompressed is not plotly.js")
    return Result(
        "plotly.js over the wire (gzip accepted)",
        f"{zipped.wire_bytes / 1e6:.2f} MB ({zipped.headers.get('content-encoding', 'identity')})",
        f"budget {PLOTLY_BUDGET / 1e6:.1f} MB; uncompressed {plain.wire_bytes / 1e6:.2f} MB",
        zipped.wire_bytes / PLOTLY_BUDGET,
        f"Cache-Control: {zipped.headers.get('cache-control', '(none)')}",
    )


CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
#: How long a page may take to draw its timeline before the benchmark gives up on it.
DRAW_TIMEOUT_MS = 300_000


def browser_available() -> bool:
    """Whether Playwright is installed and Chromium is at ``CHROMIUM``."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


def measure_draws(ports: dict[int, int], repeat: int) -> dict[int, tuple[float, int]]:
    """Median seconds from asking headless Chromium for ``/`` to its timeline drawn, and the DOM's nodes then,
    of each server in ``ports`` (by size), the loads of the sizes taken in turns.

    Each load is a fresh page in one browser context per server, so plotly.js comes from the
    browser's cache after the first (unmeasured) load, as on a repeat visit.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            contexts = {n: browser.new_context(viewport={"width": 1400, "height": 900}) for n in ports}

            def load(n: int) -> int:
                page = contexts[n].new_page()
                try:
                    page.goto(f"http://127.0.0.1:{ports[n]}/", wait_until="commit", timeout=DRAW_TIMEOUT_MS)
                    page.wait_for_selector("#timeline-chart[data-rendered='true']", timeout=DRAW_TIMEOUT_MS)
                    nodes: int = page.evaluate("document.getElementsByTagName('*').length")
                    return nodes
                finally:
                    page.close()

            nodes = {n: load(n) for n in ports}
            times = in_turns({str(n): (lambda n=n: load(n)) for n in ports}, repeat)
        finally:
            browser.close()
    return {n: (statistics.median(times[str(n)]), nodes[n]) for n in ports}


def draw_results(draws: dict[int, tuple[float, int]]) -> list[Result]:
    """The drawing times in Chromium, each as a ratio to that at the smallest size."""
    smallest = min(draws)
    return [
        Result(
            f"GET / drawn in Chromium, {size_label(n)} events",
            f"{seconds(t)}, {nodes:,} DOM nodes",
            f"at {size_label(smallest)}: {seconds(draws[smallest][0])}",
            t / draws[smallest][0],
            "headless, until the timeline is drawn; ratio between sizes",
        )
        for n, (t, nodes) in sorted(draws.items())
    ]


HELLO = """
from flask import Flask
app = Flask(__name__)
@app.get("/")
def hello():
    return "Hello, World!"
"""


#: What the load test asks for: the timeline, a filtered download, the events API.
WRK_PATHS = ("/", "/events.csv?status=refused", "/api/events")


@dataclass(frozen=True)
class Load:
    """What ``wrk`` reports: requests per second, the 99th percentile latency, failed requests."""

    rate: float
    p99: float
    errors: int


def _wrk_seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def wrk(port: int, path: str, seconds_each: int) -> Load:
    """``wrk -t2 -c16 --latency`` on ``path`` for ``seconds_each`` seconds."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{seconds_each}s",
            "--latency",
            "--timeout",
            "10s",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = sum(int(v) for v in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(
        float(rate.group(1)) if rate else 0.0,
        _wrk_seconds(p99.group(1)) if p99 else float("inf"),
        errors + (int(non_2xx.group(1)) if non_2xx else 0),
    )


def bench_wrk(port: int, env: dict[str, str], n: int, seconds_each: int) -> list[Result]:
    """Requests per second under ``wrk -c16`` against a Flask hello-world under the same gunicorn."""
    if not shutil.which("wrk"):
        return []

    with tempfile.TemporaryDirectory(prefix="tracker-hello-") as tmp:
        Path(tmp, "hello.py").write_text(HELLO)
        hello_env = dict(env, PYTHONPATH=tmp)
        with gunicorn("hello:app", hello_env) as hello_port:
            hello = wrk(hello_port, "/", seconds_each)
    results = []
    for path in WRK_PATHS:
        load = wrk(port, path, seconds_each)
        results.append(
            Result(
                f"wrk -c16 GET {path}, {size_label(n)} events",
                f"{load.rate:,.0f} req/s, p99 {seconds(load.p99)}, {load.errors} errors",
                f"hello-world {hello.rate:,.0f} req/s, p99 {seconds(hello.p99)}",
                hello.rate / load.rate if load.rate else float("inf"),
                "ratio = hello-world rate / page rate",
            )
        )
    return results


# Report ----------------------------------------------------------------------------------------


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


HEADER = ("benchmark", "measured (median)", "baseline (median)", "ratio", "note")


def cells(results: Sequence[Result]) -> list[tuple[str, ...]]:
    return [(r.benchmark, r.measured, r.baseline, f"{r.ratio:.2f}x", r.note) for r in results]


def table(results: Sequence[Result]) -> str:
    """The results as a plain-text table with aligned columns."""
    rows = [HEADER, *cells(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]

    def line(row: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if i == 3 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(HEADER), rule, *(line(row) for row in rows[1:])])


def markdown(results: Sequence[Result], preamble: Sequence[str]) -> str:
    lines = [*preamble, "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells(results)]
    return "\n".join(lines) + "\n"


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(float(part)) for part in text.split(",") if part.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are numbers such as 1e3,1e4,1e5") from None
    if not sizes or sizes[0] < 10:
        raise argparse.ArgumentTypeError("every size must be at least 10")
    return sizes


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of the tracker, each reported as a ratio to a baseline timed in the same run.",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"sizes {QUICK_SIZES} and one repetition: a smoke run"
    )
    parser.add_argument(
        "--sizes", type=parse_sizes, help="event counts, e.g. 1e3,1e4,1e5 (default 1e3,1e4,1e5)"
    )
    parser.add_argument("--repeat", type=int, metavar="R", help="measured repetitions (default 3, quick 1)")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table as markdown")
    parser.add_argument(
        "--database-url", metavar="URL", help="run on this database (emptied!) instead of SQLite files"
    )
    parser.add_argument(
        "--wrk", type=int, metavar="SECONDS", default=0, help="also load-test with wrk at 1e4"
    )
    parser.add_argument(
        "--bulk",
        type=parse_sizes,
        metavar="SIZES",
        help="also time the export at these sizes (e.g. 1e6), the database grown by bulk SQL copies of the largest imported",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not time drawing / in headless Chromium"
    )
    parser.add_argument(
        "--import-max", type=int, default=100_000, metavar="N", help="largest size imported in full"
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the import rows: flask import-csv and the web import (preview + confirm), no pages",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark and print the report; an exception (exit status 1) means a crash."""
    args = parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeat = max(1, args.repeat or (1 if args.quick else 3))
    started = time.perf_counter()
    preamble = [
        "Contact timeline tracker benchmarks" + (" (quick)" if args.quick else ""),
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        f"sizes {', '.join(size_label(n) for n in sizes)}; median of {repeat} run(s); "
        f"database {'PostgreSQL/other' if args.database_url else 'SQLite'}",
    ]
    for line in preamble:
        say(line)
    say()
    results: list[Result] = []
    pages: dict[int, dict[str, tuple[float, int]]] = {}
    draws: dict[int, tuple[float, int]] = {}
    browser = not args.no_browser and browser_available()
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        for n in sizes:
            csv_path = Path(tmp) / f"events-{n}.csv"
            synthetic.write_csv(csv_path, n)
            url = args.database_url or f"sqlite:///{Path(tmp) / f'tracker-{n}.sqlite3'}"
            if n <= args.import_max:
                progress(f"importing {n:,} rows ({repeat} run(s)) ...")
                results.append(bench_import(url, csv_path, n, repeat))
                progress(f"importing {n:,} rows through the web ({repeat} run(s)) ...")
                results.append(bench_web_import(url, csv_path, n, repeat, Path(tmp) / "uploads"))
                if args.import_only:
                    continue
            elif args.import_only:
                continue
            else:
                progress(f"importing {n:,} rows once (over --import-max: not timed) ...")
                import_csv(url, csv_path)
            env = tracker_env(url)
            one_by_one = bool(args.database_url) or len(sizes) == 1  # else the pages are timed in turns below
            with gunicorn("tracker:create_app()", env) as port:
                progress(f"timing /events.csv{' and the pages' if one_by_one else ''} at {n:,} ...")
                results.append(bench_export(port, url, n, repeat))
                if one_by_one:
                    pages[n] = measure_pages(port, repeat)
                if browser and one_by_one:
                    progress(f"drawing / in Chromium at {n:,} ...")
                    draws.update(measure_draws({n: port}, repeat))
                if n == sizes[0]:
                    results.append(bench_plotly(port))
                if args.wrk and n == 10_000:
                    results.extend(bench_wrk(port, env, n, args.wrk))
            if one_by_one:
                with gunicorn("tracker:create_app()", dict(env, FLASK_TIMELINE_CACHE="false")) as port:
                    progress(f"timing / computed afresh at {n:,} ...")
                    pages[n].update(measure_uncached(port, repeat))
        if not args.database_url and len(sizes) > 1 and not args.import_only:
            # every size's servers at once, their pages timed in turns: the machine's slow moments
            # fall on every size alike, so the ratios between sizes hold
            urls = {n: f"sqlite:///{Path(tmp) / f'tracker-{n}.sqlite3'}" for n in sizes}
            progress("timing the pages of every size in turns ...")
            pages = measure_pages_in_turns(urls, repeat)
            if browser:
                with ExitStack() as stack:
                    ports = {
                        n: stack.enter_context(gunicorn("tracker:create_app()", tracker_env(u), 1))
                        for n, u in urls.items()
                    }
                    progress("drawing / in Chromium, every size in turns ...")
                    draws = measure_draws(ports, repeat)
        for n in () if args.import_only else args.bulk or ():
            largest = max(sizes)
            source = args.database_url or f"sqlite:///{Path(tmp) / f'tracker-{largest}.sqlite3'}"
            url = args.database_url or f"sqlite:///{Path(tmp) / f'tracker-bulk-{n}.sqlite3'}"
            if url != source:  # a consistent copy of the SQLite file (its write-ahead log included)
                with (
                    closing(sqlite3.connect(source.removeprefix("sqlite:///"))) as original,
                    closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as copied,
                ):
                    original.backup(copied)
            progress(f"growing the {size_label(largest)} database to {n:,} events by bulk SQL ...")
            grow_events(url, n)
            with gunicorn("tracker:create_app()", tracker_env(url)) as port:
                progress(f"timing /events.csv at {n:,} ...")
                results.append(
                    bench_export(port, url, n, repeat, note="bulk-built database, streamed through gunicorn")
                )
    if pages:
        results.extend(page_results(pages))
    if draws:
        results.extend(draw_results(draws))
    say(table(results))
    say()
    say(f"ratio = measured / baseline, both timed in this run; total {time.perf_counter() - started:.0f} s")
    if args.markdown:
        args.markdown.write_text(markdown(results, preamble))
    return 0


if __name__ == "__main__":
    sys.exit(main())
