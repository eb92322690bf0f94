// A campaign's detail page: the live pacing figures, polled from /campaigns/<id>/live
// every few seconds, a line chart of the samples taken while the page is open, and the
// results by disposition as bars (Chart.js from static/vendor, when installed).
"use strict";
(function () {
  const script = document.currentScript;
  const data = JSON.parse(script.dataset.chart);
  const notice = document.getElementById("live-notice");
  const status = document.getElementById("campaign-status");
  const hasChart = typeof window.Chart !== "undefined";
  const options = { animation: false, maintainAspectRatio: false };
  const MAX_SAMPLES = 120;
  let pacing = null;

  function draw(id, type, labels, datasets, scales) {
    const canvas = document.getElementById(id);
    if (!canvas || !hasChart) return null;
    return new window.Chart(canvas, {
      type: type, data: { labels: labels, datasets: datasets },
      options: Object.assign({}, options, scales ? { scales: scales } : {}),
    });
  }

  draw("chart-dispositions", "bar", data.dispositions,
       [{ label: data.labels.contacts, data: data.counts, backgroundColor: "#1f6feb" }],
       { y: { beginAtZero: true, ticks: { precision: 0 } } });
  pacing = draw("chart-pacing", "line", [], [
    { label: data.labels.dialled, data: [], borderColor: "#1f6feb", yAxisID: "y" },
    { label: data.labels.connected, data: [], borderColor: "#1a7f37", yAxisID: "y" },
    { label: data.labels.drop_rate, data: [], borderColor: "#cf222e", yAxisID: "rate" },
  ], { y: { beginAtZero: true, ticks: { precision: 0 } },
       rate: { beginAtZero: true, position: "right", suggestedMax: 5 } });

  function shown(key, value) {
    if (value === undefined || value === null) return "–";
    const cell = document.querySelector('[data-figure="' + key + '"]');
    if (typeof value === "boolean") return value ? cell.dataset.yes : cell.dataset.no;
    if (cell && cell.hasAttribute("data-percent")) return (value * 100).toFixed(1) + " %";
    return typeof value === "number" && !Number.isInteger(value) ? value.toFixed(2) : String(value);
  }

  function sample(engine) {
    if (!pacing || !engine) return;
    const d = pacing.data;
    d.labels.push(new Date().toLocaleTimeString());
    d.datasets[0].data.push(engine.dialled_today);
    d.datasets[1].data.push(engine.connected_today);
    d.datasets[2].data.push(engine.drop_rate_today * 100);
    if (d.labels.length > MAX_SAMPLES) { d.labels.shift(); d.datasets.forEach(function (s) { s.data.shift(); }); }
    pacing.update();
  }

  function update(live) {
    const p = live.progress;
    document.querySelector('[data-figure="done"]').textContent = p.done + " / " + p.contacts;
    ["attempts", "connected", "dropped"].forEach(function (k) {
      document.querySelector('[data-figure="' + k + '"]').textContent = p[k];
    });
    const engine = live.engine || {};
    document.querySelectorAll("dd[data-figure]").forEach(function (cell) {
      const key = cell.dataset.figure;
      if (!(key in p)) cell.textContent = shown(key, engine[key]);
    });
    status.textContent = live.status_label;
    notice.textContent = live.notice;
    notice.hidden = !live.notice;
    sample(live.engine);
  }

  function poll() {
    fetch(script.dataset.live, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (live) { if (live) update(live); })
      .catch(function () { /* the next poll tries again */ });
  }
  poll();
  setInterval(poll, 5000);
})();
