// The report pages' charts, drawn with Chart.js (static/vendor) from the page's data:
// data-charts (figures page: calls and service level per period, outcomes) or
// data-forecast (staffing page: agents needed per half hour beside those logged in).
"use strict";
(function () {
  const script = document.currentScript;
  if (typeof window.Chart === "undefined") return;  // the page shows the missing-file banner
  const options = { animation: false, maintainAspectRatio: false };
  const counts = { y: { beginAtZero: true, ticks: { precision: 0 } } };

  function draw(id, type, labels, datasets, scales) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: Object.assign({}, options, scales ? { scales: scales } : {}),
    });
  }

  function figures(data) {
    draw("chart-calls", "bar", data.periods, [
      { label: data.labels.answered, data: data.answered, backgroundColor: "#1a7f37" },
      { label: data.labels.abandoned, data: data.abandoned, backgroundColor: "#cf222e" },
    ], counts);
    draw("chart-service-level", "line", data.periods, [
      { label: data.labels.service_level, data: data.service_level, borderColor: "#1f6feb",
        spanGaps: true },
    ], { y: { beginAtZero: true, max: 100 } });
    const colours = ["#1a7f37", "#cf222e", "#8250df", "#bf8700", "#1f6feb", "#8c959f", "#57606a"];
    draw("chart-outcomes", "pie", data.outcomes, [
      { data: data.outcome_counts, backgroundColor: colours },
    ]);
  }

  function forecast(data) {
    draw("chart-forecast", "bar", data.starts, [
      { type: "bar", label: data.labels.needed, data: data.needed, backgroundColor: "#8250df" },
      { type: "line", label: data.labels.logged_in, data: data.logged_in, borderColor: "#1a7f37",
        stepped: true },
    ], counts);
  }

  if (script.dataset.charts) figures(JSON.parse(script.dataset.charts));
  if (script.dataset.forecast) forecast(JSON.parse(script.dataset.forecast));
})();
