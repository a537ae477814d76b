// The timeline: draws the server's figure, shows only the labels that fit at the current zoom,
// fetches the figure of the visible window as the user zooms and pans (wheel, pinch, buttons,
// dates), and shows a selected event in the panel beside the chart.
//
// Text never collides: the server puts each kind of label in a band of its own (lane titles,
// gap and silence labels, changes of holder, notes above the plot); here, within each band of
// each lane, labels are placed by priority (a lane's current silence first, then the longest
// gaps) and a label is shown only where it fits its span and meets no other.
(function () {
  "use strict";
  const el = document.getElementById("timeline-chart");
  if (!el || typeof Plotly === "undefined") return;
  const dataUrl = el.dataset.timeline;
  const status = document.getElementById("timeline-status");
  const panel = document.getElementById("detail-body");
  const inView = document.getElementById("in-view");
  const startInput = document.getElementById("range-start");
  const endInput = document.getElementById("range-end");
  const DAY = 86400000;
  const GAP = 6; // pixels kept free between two labels
  const NOTE_ROWS = 3; // rows of context notes above the plot (the server leaves room for them)
  const NOTE_ROW_PX = 15;
  const FONT = '"Open Sans", verdana, arial, sans-serif';
  const config = {
    responsive: true,
    displaylogo: false,
    scrollZoom: true,
    showSendToCloud: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", filename: "timeline-chart", scale: 2 },
  };
  let figure = JSON.parse(document.getElementById(el.dataset.figure).textContent);
  const full = figure.layout.meta.window; // the window the page was drawn for: "All"
  let fetching = null; // the request for the window shown, while it is on its way
  let pending = null; // the timer that will send it
  let resizing = null; // the timer that redraws at a new width
  let drawing = 0; // draws under way
  let revision = 0;
  // data-busy says the chart will change again shortly (tests wait for it to go)
  function mark() {
    if (fetching || pending || resizing || drawing) el.dataset.busy = "true";
    else delete el.dataset.busy;
  }
  let drawn = false;

  const measure = document.createElement("canvas").getContext("2d");
  const parser = new DOMParser();
  // The text of a label without its markup (the server escapes names: this only reads entities back).
  function plain(text) {
    return parser.parseFromString("<body>" + String(text), "text/html").body.textContent || "";
  }
  function widthOf(text, size, bold) {
    measure.font = (bold ? "bold " : "") + size + "px " + FONT;
    return measure.measureText(plain(text)).width;
  }
  function ms(value) {
    return typeof value === "number" ? value : Date.parse(String(value).slice(0, 10) + "T00:00:00Z");
  }
  function iso(value) {
    return new Date(value).toISOString().slice(0, 10);
  }

  // The plot's width and the current x range, in pixels and milliseconds.
  function geometry() {
    const margin = figure.layout.margin || { l: 0, r: 0 };
    const width = Math.max(100, (el.clientWidth || 800) - (margin.l || 0) - (margin.r || 0));
    const range = (el.layout && el.layout.xaxis && el.layout.xaxis.range) || figure.layout.xaxis.range;
    const lo = ms(range[0]);
    const hi = ms(range[1]);
    return { width: width, lo: lo, hi: hi, px: function (x) { return ((ms(x) - lo) / (hi - lo)) * width; } };
  }

  function overlaps(placed, a, b) {
    return placed.some(function (p) { return a < p[1] + GAP && b + GAP > p[0]; });
  }

  // Show the labels of the label traces that fit; hide (empty text) the others. All values stay in the hovers.
  function placeLabels(data, geo) {
    const candidates = [];
    data.forEach(function (trace) {
      const meta = trace.meta || {};
      if (meta.kind !== "labels") return;
      if (!meta.x) meta.x = trace.x.slice();
      trace.text = meta.text.map(function () { return ""; });
      trace.x = meta.x.slice();
      trace.textposition = meta.text.map(function () { return "middle center"; });
      meta.text.forEach(function (text, i) {
        candidates.push({ trace: trace, i: i, text: text, meta: meta, priority: meta.priority[i] });
      });
    });
    candidates.sort(function (a, b) { return b.priority - a.priority; });
    const bands = {};
    candidates.forEach(function (c) {
      const trace = c.trace;
      const size = (trace.textfont && trace.textfont.size) || 12;
      const w = widthOf(c.text, size, false) + 4;
      const band = c.meta.band + ":" + trace.y[c.i];
      const placed = (bands[band] = bands[band] || []);
      let a;
      let b;
      let position = "middle center";
      let x = c.meta.x[c.i];
      if (c.meta.free) {
        const cx = geo.px(x);
        if (cx < 0 || cx > geo.width) return;
        a = cx - w / 2;
        b = cx + w / 2;
        if (a < 0) { a = cx; b = cx + w; position = "middle right"; }
        else if (b > geo.width) { a = cx - w; b = cx; position = "middle left"; }
      } else {
        const s = Math.max(0, geo.px(c.meta.lo[c.i]));
        const e = Math.min(geo.width, geo.px(c.meta.hi[c.i]));
        if (e < 0 || s > geo.width) return;
        if (e - s >= w + 4) {
          a = (s + e) / 2 - w / 2;
          b = a + w;
          x = iso(geo.lo + (((s + e) / 2) / geo.width) * (geo.hi - geo.lo));
        } else if (c.meta.open) {
          // a short current silence: its label ends where the silence does (today), inside the plot
          b = Math.min(e, geo.width);
          a = b - w;
          if (a < 0) return;
          x = iso(geo.lo + (b / geo.width) * (geo.hi - geo.lo));
          position = "middle left";
        } else {
          return;
        }
      }
      if (a < 0 || b > geo.width || overlaps(placed, a, b)) return;
      placed.push([a, b]);
      trace.text[c.i] = c.text;
      trace.x[c.i] = x;
      trace.textposition[c.i] = position;
    });
  }

  // Lane titles shortened to the plot's width; notes above the plot placed without meeting.
  function placeNotes(layout, geo) {
    const notes = layout.annotations || [];
    const top = [];
    notes.forEach(function (note) {
      if (note._full === undefined) note._full = note.text;
      note.text = note._full;
      note.visible = true;
      if (note.name && note.name.indexOf("lane:") === 0) {
        const max = geo.width - 8;
        if (widthOf(note.text, 12, false) > max) {
          const parts = note._full.split("</span> · ");
          const head = parts.length > 1 ? parts[0] + "</span> · " : "";
          let label = plain(parts.length > 1 ? parts[1] : parts[0]);
          while (label.length > 4 && widthOf(head, 12, true) + widthOf(label + "…", 12, false) > max) label = label.slice(0, -1);
          note.text = head + escapeText(label.trim()) + "…";
        }
      } else if (note.name === "context" || note.name === "today") {
        top.push(note);
      }
    });
    // "today" first, then the context notes by date
    top.sort(function (a, b) { return (b.name === "today") - (a.name === "today") || ms(a.x) - ms(b.x); });
    // up to NOTE_ROWS rows of notes above the plot; a note that fits in none is left to its hover
    const rows = [];
    for (let i = 0; i < NOTE_ROWS; i++) rows.push([]);
    top.forEach(function (note) {
      const cx = geo.px(note.x);
      const w = widthOf(note.text, 11, note.name === "today") + 6;
      let a = cx - w / 2;
      let b = cx + w / 2;
      note.xanchor = "center";
      note.yshift = 0;
      if (cx < 0 || cx > geo.width) { note.visible = false; return; }
      if (a < 0) { a = cx; b = cx + w; note.xanchor = "left"; }
      else if (b > geo.width) { a = cx - w; b = cx; note.xanchor = "right"; }
      const row = rows.findIndex(function (placed) { return !overlaps(placed, a, b); });
      if (row < 0) { note.visible = false; return; }
      rows[row].push([a, b]);
      note.yshift = row * NOTE_ROW_PX;
    });
  }

  function escapeText(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // The figure to draw at the current width and range.
  function prepared() {
    const geo = geometry();
    placeLabels(figure.data, geo);
    placeNotes(figure.layout, geo);
    return figure;
  }

  // One draw at a time, in order: Plotly.react is asynchronous, and two at once could leave the
  // older figure on screen. Calls made while a draw waits its turn share that draw.
  let chain = Promise.resolve();
  let waiting = null;
  function draw() {
    if (waiting) return waiting;
    drawing += 1;
    mark();
    const run = chain
      .then(function () {
        waiting = null;
        return render();
      })
      .catch(function (error) {
        if (status) status.textContent = "Could not draw the timeline: " + error.message;
      })
      .then(function () {
        drawing -= 1;
        mark();
      });
    waiting = run;
    chain = run;
    return run;
  }

  function render() {
    const shown = prepared();
    // the labels are changed in place: a new revision tells Plotly.react to draw them again
    const layout = Object.assign({}, shown.layout, { datarevision: ++revision });
    if (drawn && el.layout) layout.xaxis = Object.assign({}, layout.xaxis, { range: el.layout.xaxis.range.slice() });
    // fresh trace objects each time, so that Plotly compares the new labels with what it drew
    const data = shown.data.map(function (trace) { return Object.assign({}, trace); });
    return Plotly.react(el, data, layout, config).then(function () {
      // Plotly.react sometimes leaves a text trace as it was when the labels shown change (seen
      // with plotly.js 4.1 when points gain text): count what is on screen, and redraw if short
      const wanted = data.reduce(function (n, trace) {
        return n + ((trace.meta && trace.meta.kind === "labels") ? trace.text.filter(Boolean).length : 0);
      }, 0);
      const drawnTexts = [...el.querySelectorAll(".scatterlayer .textpoint text")].filter(function (t) {
        return t.textContent;
      }).length;
      if (drawnTexts < wanted) return Plotly.redraw(el);
    }).then(function () {
      drawn = true;
      el.dataset.rendered = "true";
      listInView();
      syncInputs();
    });
  }

  function syncInputs() {
    const range = el.layout.xaxis.range;
    if (startInput) startInput.value = iso(ms(range[0]));
    if (endInput) endInput.value = iso(ms(range[1]));
  }

  // The range shown, as the page's tests read it: "start/end" (ISO dates).
  function rangeKey() {
    const range = el.layout.xaxis.range;
    return iso(ms(range[0])) + "/" + iso(ms(range[1]));
  }

  // The figure of the visible window, asked of the server once the user stops zooming.
  function refetch() {
    pending = null;
    if (!dataUrl) { mark(); return; }
    const range = el.layout.xaxis.range;
    const url = dataUrl + (dataUrl.indexOf("?") < 0 ? "?" : "&") + new URLSearchParams({
      start: iso(ms(range[0])),
      end: iso(ms(range[1])),
      width: String(Math.round(geometry().width)),
    }).toString();
    if (fetching) fetching.abort();
    const mine = (fetching = new AbortController());
    if (status) status.textContent = "Loading the events of this window…";
    fetch(url, { signal: fetching.signal, headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("the server answered " + response.status);
        return response.json();
      })
      .then(function (next) {
        const keep = el.layout.xaxis.range.slice();
        figure = next;
        figure.layout.xaxis.range = keep;
        return draw().then(function () {
          el.dataset.window = rangeKey();
          if (fetching === mine) fetching = null;
          mark();
          if (status) {
            status.textContent = figure.layout.meta.detail
              ? ""
              : "Many events in this window: each square counts the events of " + figure.layout.meta.bin_label +
                " (zoom in to see them one by one).";
          }
        });
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        if (fetching === mine) fetching = null;
        mark();
        if (status) status.textContent = "Could not load this window: " + error.message;
      });
  }

  function changed() {
    // labels at once (after Plotly has finished its own relayout), events of the new window shortly after
    clearTimeout(pending);
    pending = setTimeout(refetch, 300);
    mark();
    setTimeout(draw, 0);
  }

  function showRange(lo, hi) {
    Plotly.relayout(el, { "xaxis.range": [iso(lo), iso(hi)] }).then(changed);
  }

  // The panel: a selected event, and the list of events in view (reachable by keyboard).
  function showDetail(id) {
    panel.textContent = "Loading event " + id + "…";
    fetch("/api/events/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
      .then(function (e) {
        panel.textContent = "";
        const title = document.createElement("h4");
        title.textContent = e.date + (e.date_end ? " to " + e.date_end : "") + ": " + e.official_a + " – " + e.official_b;
        panel.appendChild(title);
        const facts = document.createElement("dl");
        [
          ["Status", e.status + " (" + e.channel.replace("_", " ") + ")"],
          ["Sides", (e.official_a + (e.role_a ? ", " + e.role_a : "")) + " – " + (e.official_b + (e.role_b ? ", " + e.role_b : ""))],
          ["Lane", e.pair_label],
          ["Initiated by", e.initiated_by || "not known"],
          ["Date", e.date + " (" + e.date_precision + ")"],
        ].forEach(function (pair) {
          const dt = document.createElement("dt");
          dt.textContent = pair[0];
          const dd = document.createElement("dd");
          dd.textContent = pair[1];
          facts.appendChild(dt);
          facts.appendChild(dd);
        });
        panel.appendChild(facts);
        if (e.summary) {
          const summary = document.createElement("p");
          summary.textContent = e.summary;
          panel.appendChild(summary);
        }
        const sources = document.createElement("ul");
        sources.className = "sources";
        [{ source_url: e.source_url, source_publisher: e.source_publisher, source_date: e.source_date }]
          .concat(e.sources || [])
          .forEach(function (s) {
            if (!s.source_url && !s.source_publisher) return;
            const li = document.createElement("li");
            if (/^https?:\/\//.test(s.source_url || "")) {
              const a = document.createElement("a");
              a.href = s.source_url;
              a.rel = "noopener noreferrer";
              a.textContent = s.source_publisher || s.source_url;
              li.appendChild(a);
            } else {
              li.textContent = s.source_publisher;
            }
            if (s.source_date) li.appendChild(document.createTextNode(" (" + s.source_date + ")"));
            sources.appendChild(li);
          });
        if (sources.children.length) {
          const heading = document.createElement("p");
          heading.textContent = sources.children.length === 1 ? "Source" : sources.children.length + " sources";
          panel.appendChild(heading);
          panel.appendChild(sources);
        }
        const link = document.createElement("a");
        link.href = "/events/" + encodeURIComponent(e.id);
        link.className = "button small";
        link.textContent = "Open the event's page";
        panel.appendChild(link);
        document.getElementById("detail-heading").textContent = "Event " + e.id;
        document.getElementById("detail-panel").focus({ preventScroll: true });
      })
      .catch(function (error) { panel.textContent = "Could not load event " + id + " (" + error.message + ")."; });
  }

  function listInView() {
    if (!inView) return;
    const range = el.layout.xaxis.range;
    const lo = ms(range[0]);
    const hi = ms(range[1]);
    const items = [];
    figure.data.forEach(function (trace) {
      if (!trace.meta || trace.meta.kind !== "events") return;
      trace.x.forEach(function (x, i) {
        const t = ms(x);
        if (t >= lo && t <= hi) items.push([t, trace.customdata[i], trace.meta.labels[i]]);
      });
    });
    items.sort(function (a, b) { return b[0] - a[0]; });
    inView.textContent = "";
    // a phone lists a few (the page goes on below); a wide screen lists more in its scrolling panel
    const most = window.matchMedia("(max-width: 760px)").matches ? 8 : 40;
    items.slice(0, most).forEach(function (item) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = item[2];
      button.addEventListener("click", function () { showDetail(item[1]); });
      li.appendChild(button);
      inView.appendChild(li);
    });
    if (items.length > most) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "… and " + (items.length - most) + " more: zoom in, or browse the events below.";
      inView.appendChild(li);
    }
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = figure.layout.meta.detail ? "No event in this window." : "Zoom in to list the events one by one.";
      inView.appendChild(li);
    }
  }

  draw().then(function () {
    el.dataset.window = rangeKey();
    el.on("plotly_relayout", function (event) {
      if (event && (event["xaxis.range[0]"] !== undefined || event["xaxis.range"] || event["xaxis.autorange"])) changed();
    });
    el.on("plotly_click", function (data) {
      const point = data.points && data.points[0];
      if (!point) return;
      const meta = point.data.meta || {};
      if (meta.kind === "events") showDetail(point.customdata);
      else if (meta.kind === "bins") {
        const pad = DAY * 2;
        showRange(ms(point.customdata[1]) - pad, ms(point.customdata[2]) + pad);
      }
    });
  });

  // Range buttons, zoom buttons and dates.
  document.querySelectorAll("[data-range]").forEach(function (button) {
    button.addEventListener("click", function () {
      const today = ms(full.today);
      if (button.dataset.range === "all") showRange(ms(full.start) - 15 * DAY, Math.max(today, ms(full.end)) + 15 * DAY);
      else showRange(today - Number(button.dataset.range) * 365.25 * DAY, today + 20 * DAY);
    });
  });
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      const range = el.layout.xaxis.range;
      const lo = ms(range[0]);
      const hi = ms(range[1]);
      const middle = (lo + hi) / 2;
      const half = ((hi - lo) / 2) * (button.dataset.zoom === "in" ? 0.5 : 2);
      showRange(middle - half, middle + half);
    });
  });
  [startInput, endInput].forEach(function (input) {
    if (!input) return;
    input.addEventListener("change", function () {
      const lo = ms(startInput.value);
      const hi = ms(endInput.value);
      if (lo < hi) showRange(lo, hi);
    });
  });

  // Pinch to zoom on touch screens (Plotly pans with one finger).
  let pinch = null;
  el.addEventListener("touchstart", function (event) {
    if (event.touches.length !== 2) return;
    const range = el.layout.xaxis.range;
    pinch = { distance: Math.abs(event.touches[0].clientX - event.touches[1].clientX) || 1, lo: ms(range[0]), hi: ms(range[1]) };
  }, { passive: true });
  el.addEventListener("touchmove", function (event) {
    if (!pinch || event.touches.length !== 2) return;
    event.preventDefault();
    const distance = Math.abs(event.touches[0].clientX - event.touches[1].clientX) || 1;
    const middle = (pinch.lo + pinch.hi) / 2;
    const half = ((pinch.hi - pinch.lo) / 2) * (pinch.distance / distance);
    Plotly.relayout(el, { "xaxis.range": [iso(middle - half), iso(middle + half)] });
  }, { passive: false });
  el.addEventListener("touchend", function () {
    if (pinch) { pinch = null; changed(); }
  });

  // A new width (a phone turned, the window resized, printing) places the labels again.
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      resizing = null;
      draw();
    }, 150);
    mark();
  });
  // Printing: the paper's width, then back to the screen's.
  let printing = false;
  function toPaper() {
    if (printing) return;
    printing = true;
    Plotly.relayout(el, { width: Math.min(el.getBoundingClientRect().width || 680, 680) }).then(draw);
  }
  function toScreen() {
    if (!printing) return;
    printing = false;
    Plotly.relayout(el, { width: null }).then(draw);
  }
  window.addEventListener("beforeprint", toPaper);
  window.addEventListener("afterprint", toScreen);
  window.matchMedia("print").addEventListener("change", function (event) { (event.matches ? toPaper : toScreen)(); });
})();
