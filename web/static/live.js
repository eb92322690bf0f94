// The live page: keep the calls and agents tables current from /live/events (SSE).
"use strict";
(function () {
  const script = document.querySelector("script[data-events]");
  const banner = document.getElementById("engine-status");
  const feedState = document.getElementById("feed-state");
  const calls = document.getElementById("live-calls");
  const agents = document.getElementById("live-agents");

  const feed = window.callboxFeed;  // static/feed.js
  const elapsed = feed.elapsed;

  function say(key) {
    feed.say(feedState, key);
  }

  function tick() {
    const now = Date.now() / 1000;
    document.querySelectorAll("time[data-since]").forEach(function (t) {
      const since = parseFloat(t.dataset.since);
      const out = t.parentElement.querySelector(".elapsed");
      if (out && !isNaN(since)) out.textContent = "(" + elapsed(now - since) + ")";
    });
  }

  const source = new EventSource(script.dataset.events);
  say("connecting");
  source.addEventListener("snapshot", function (e) {
    const board = JSON.parse(e.data);
    calls.innerHTML = board.html.calls;
    agents.innerHTML = board.html.agents;
    banner.hidden = true;
    say("live");
    tick();
  });
  source.addEventListener("engine-down", function (e) {
    banner.textContent = JSON.parse(e.data).message;
    banner.hidden = false;
    calls.innerHTML = "";
    agents.innerHTML = "";
  });
  // A supervisor's broadcast (docs/web.md): newest first, the last five kept.
  source.addEventListener("broadcast", function (e) {
    feed.showBroadcast(document.getElementById("live-broadcasts"),
                       document.getElementById("live-broadcast-item"), JSON.parse(e.data), 8);
  });
  // Supervisor actions on a call: the engine checks and answers; its refusal is shown
  // as it says it (a call that just ended, a phone that is not registered...).
  const supervise = document.getElementById("supervise");
  const status = document.getElementById("supervise-status");
  const extension = document.getElementById("supervisor-ext");
  extension.value = localStorage.getItem("callbox.extension") || "";
  calls.addEventListener("click", function (e) {
    const button = e.target.closest("button[data-op]");
    if (!button) return;
    const row = button.closest("tr[data-call-id]");
    const body = { supervisor: extension.value.trim() };
    if (button.dataset.mode) body.mode = button.dataset.mode;
    localStorage.setItem("callbox.extension", body.supervisor);
    status.className = "";
    status.textContent = "";
    fetch(supervise.dataset.base + encodeURIComponent(row.dataset.callId) + "/" + button.dataset.op, {
      method: "POST",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-CSRF-Token": supervise.dataset.csrf,
      },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (reply) {
      status.className = reply.ok ? "ok" : "error";
      status.textContent = reply.ok ? supervise.dataset.sent : reply.data.error.message;
    }).catch(function () {
      status.className = "error";
      status.textContent = supervise.dataset.failed;
    });
  });
  source.onerror = function () {
    say(source.readyState === EventSource.CLOSED ? "closed" : "lost");
  };
  tick();
  setInterval(tick, 1000);
})();
