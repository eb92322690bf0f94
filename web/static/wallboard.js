// The wallboard: queues, agents and calls kept current from /wallboard/events (SSE),
// charts drawn with Chart.js (static/vendor), broadcasts shown as they arrive.
"use strict";
(function () {
  const script = document.querySelector("script[data-events]");
  const banner = document.getElementById("engine-status");
  const feedState = document.getElementById("feed-state");
  const parts = {
    queues: document.getElementById("wb-queues"),
    agents: document.getElementById("wb-agents"),
    calls: document.getElementById("wb-calls"),
  };

  const feed = window.callboxFeed;  // static/feed.js
  const elapsed = feed.elapsed;

  function say(key) {
    feed.say(feedState, key);
  }

  function tick() {
    const now = Date.now() / 1000;
    document.querySelectorAll(".elapsed[data-since]").forEach(function (el) {
      const since = parseFloat(el.dataset.since);
      el.textContent = isNaN(since) ? "" : elapsed(now - since);
    });
  }

  // --- big-screen mode: the largest type with which the whole board fits the screen ---
  const big = document.body.classList.contains("big");
  function fit() {
    if (!big) return;
    let size = Math.max(16, Math.min(window.innerWidth / 48, 40));
    document.body.style.fontSize = size + "px";
    while (size > 10 && document.documentElement.scrollHeight > window.innerHeight) {
      size -= 1;
      document.body.style.fontSize = size + "px";
    }
  }
  window.addEventListener("resize", fit);

  // --- charts (degrade to a message when Chart.js is not installed) ---
  const charts = {};
  if (big && window.Chart) window.Chart.defaults.font.size = 18;
  function drawCharts(data) {
    if (!data || !data.queues) return;
    if (typeof window.Chart === "undefined") {
      document.getElementById("chart-missing").hidden = false;
      return;
    }
    const bars = [
      { label: data.labels.answered, data: data.answered, backgroundColor: "#1a7f37" },
      { label: data.labels.abandoned, data: data.abandoned, backgroundColor: "#cf222e" },
    ];
    // ready, not ready, talking, ringing, wrap-up, logged out: as the state pills
    const colours = ["#1a7f37", "#cf222e", "#1f6feb", "#bf8700", "#8250df", "#8c959f"];
    const ring = [{ data: data.agents, backgroundColor: colours }];
    update("calls", "bar", data.queues, bars);
    update("agents", "doughnut", data.states, ring);
  }
  function update(name, type, labels, datasets) {
    if (!charts[name]) {
      charts[name] = new window.Chart(document.getElementById("chart-" + name), {
        type: type,
        data: { labels: labels, datasets: datasets },
        options: { animation: false, maintainAspectRatio: false,
                   scales: type === "bar" ? { y: { beginAtZero: true, ticks: { precision: 0 } } } : {} },
      });
      return;
    }
    charts[name].data.labels = labels;
    charts[name].data.datasets.forEach(function (set, i) { set.data = datasets[i].data; });
    charts[name].update("none");
  }

  // --- the live feed ---
  const source = new EventSource(script.dataset.events);
  say("connecting");
  source.addEventListener("snapshot", function (e) {
    const board = JSON.parse(e.data);
    Object.keys(parts).forEach(function (key) {
      if (parts[key]) parts[key].innerHTML = board.html[key];
    });
    banner.hidden = true;
    say("live");
    drawCharts(board.charts);
    tick();
    fit();
  });
  source.addEventListener("engine-down", function (e) {
    banner.textContent = JSON.parse(e.data).message;
    banner.hidden = false;
  });
  source.addEventListener("broadcast", function (e) {
    feed.showBroadcast(document.getElementById("wb-broadcasts"),
                       document.getElementById("broadcast-item"), JSON.parse(e.data), 5);
  });
  source.onerror = function () {
    say(source.readyState === EventSource.CLOSED ? "closed" : "lost");
  };

  // --- listen / whisper / barge: the live page's endpoint, the engine checks and answers ---
  feed.supervise(parts.calls);

  // --- the agent-state form posts to /wallboard/agents/<extension>/state ---
  const stateForm = document.getElementById("agent-state-form");
  function statePath() {
    return stateForm.dataset.base + encodeURIComponent(stateForm.elements.extension.value) + "/state";
  }
  if (stateForm) stateForm.addEventListener("submit", function () { stateForm.action = statePath(); });
  document.body.addEventListener("htmx:configRequest", function (e) {
    if (stateForm && e.detail.elt === stateForm) e.detail.path = statePath();
  });
  document.body.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt.id === "broadcast-form" && e.detail.successful) e.detail.elt.reset();
  });

  drawCharts(JSON.parse(script.dataset.charts || "{}"));
  tick();
  fit();
  setInterval(tick, 1000);
})();
