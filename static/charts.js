// Draws every element carrying a Plotly figure in its data-figure attribute.
(function () {
  "use strict";
  const config = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d"],
  };
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    const figure = JSON.parse(el.dataset.figure);
    const options = Object.assign({}, config, {
      toImageButtonOptions: { format: "png", filename: el.id || "chart", scale: 2 },
    });
    Plotly.newPlot(el, figure.data, figure.layout, options).then(function () {
      el.dataset.rendered = "true";
    });
    el.on("plotly_click", function (data) {
      const point = data.points && data.points[0];
      const id = point && point.customdata;
      if (typeof id === "number") {
        const row = document.getElementById("event-" + id);
        if (row) {
          row.scrollIntoView({ behavior: "smooth", block: "center" });
          row.classList.add("highlight");
          setTimeout(function () { row.classList.remove("highlight"); }, 2000);
        }
      }
    });
  });
})();
