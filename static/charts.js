// Draws every element whose data-figure names the JSON script element holding its Plotly figure (the
// timeline excepted: timeline.js draws it).
// On a narrow screen the lane names of a timeline go under each lane instead of taking half the width,
// and long legend entries wrap; for printing, charts are redrawn at the width of the paper.
(function () {
  "use strict";
  const config = {
    responsive: true,
    displaylogo: false,
    showSendToCloud: false, // plotly.js 3 would offer to upload the chart's data to cloud.plotly.com
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
  };
  const narrow = window.matchMedia("(max-width: 640px)");
  const print = window.matchMedia("print");
  const PRINT_WIDTH = 680; // CSS pixels across an A4 or Letter page inside its margins
  const charts = [];

  // Break text into lines of at most `width` characters, joined with <br> (Plotly's line break).
  function wrap(text, width) {
    const lines = [];
    let line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  // A pair's name with each side on a line of its own ("A – B" becomes "A<br>– B"), wrapped at `width`.
  function pairLines(text, width) {
    return String(text).split(" – ").map(function (side, i) { return wrap((i ? "– " : "") + side, width); }).join("<br>");
  }

  // Long lane names in two or three lines, so that the lanes keep most of the width.
  function wide(figure) {
    const yaxis = figure.layout.yaxis || {};
    const lanes = yaxis.type === "category" && Array.isArray(yaxis.categoryarray) ? yaxis.categoryarray : [];
    if (!lanes.some(function (lane) { return lane.length > 40; })) return figure;
    const layout = Object.assign({}, figure.layout, {
      yaxis: Object.assign({}, yaxis, { tickvals: lanes, ticktext: lanes.map(function (lane) { return lane.length > 40 ? pairLines(lane, 40) : lane; }) }),
    });
    return { data: figure.data, layout: layout };
  }

  // The figure to draw at the current width: the server's figure, or its narrow-screen variant.
  function view(figure) {
    if (!narrow.matches) return wide(figure);
    const layout = JSON.parse(JSON.stringify(figure.layout));
    const data = figure.data.map(function (trace) {
      return trace.name && trace.name.length > 34 ? Object.assign({}, trace, { name: wrap(trace.name, 34) }) : trace;
    });
    // Notes on dates (context events) read rightwards from their line, so that none is cut at the left edge.
    layout.annotations = (layout.annotations || []).map(function (note) {
      return note.xref === "x" ? Object.assign({}, note, { xanchor: "left", align: "left" }) : note;
    });
    const yaxis = layout.yaxis || {};
    if (yaxis.type === "category" && Array.isArray(yaxis.categoryarray)) {
      layout.yaxis = Object.assign({}, yaxis, { showticklabels: false });
      layout.margin = Object.assign({}, layout.margin, { l: 8 });
      layout.annotations = layout.annotations.concat(yaxis.categoryarray.map(function (lane) {
        return {
          xref: "paper", x: 0, xanchor: "left", yref: "y", y: lane, yanchor: "top", yshift: -12,
          text: pairLines(lane, 48), align: "left", showarrow: false,
          font: { size: 11, color: "#1f2933" }, bgcolor: "rgba(255,255,255,0.85)",
        };
      }));
    }
    return { data: data, layout: layout };
  }

  // The timeline draws itself (timeline.js): it is fetched again as the user zooms.
  document.querySelectorAll("[data-figure]:not([data-timeline])").forEach(function (el) {
    const figure = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    const options = Object.assign({}, config, {
      toImageButtonOptions: { format: "png", filename: el.id || "chart", scale: 2 },
    });
    const shown = view(figure);
    Plotly.newPlot(el, shown.data, shown.layout, options).then(function () {
      el.dataset.rendered = "true";
    });
    charts.push({ el: el, figure: figure, options: options });
  });

  narrow.addEventListener("change", function () {
    charts.forEach(function (chart) {
      const shown = view(chart.figure);
      Plotly.react(chart.el, shown.data, shown.layout, chart.options);
    });
  });

  // Printing: fit the paper, then go back to the screen's width.
  let printing = false;
  function toPaper() {
    if (printing) return;
    printing = true;
    charts.forEach(function (chart) {
      const width = Math.min(chart.el.getBoundingClientRect().width || PRINT_WIDTH, PRINT_WIDTH);
      Plotly.relayout(chart.el, { width: width });
    });
  }
  function toScreen() {
    if (!printing) return;
    printing = false;
    charts.forEach(function (chart) { Plotly.relayout(chart.el, { width: null }); });
  }
  window.addEventListener("beforeprint", toPaper);
  window.addEventListener("afterprint", toScreen);
  print.addEventListener("change", function (event) { (event.matches ? toPaper : toScreen)(); });
})();
