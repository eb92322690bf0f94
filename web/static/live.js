// The live page: keep the calls and agents tables current from /live/events (SSE).
"use strict";
(function () {
  const script = document.querySelector("script[data-events]");
  const banner = document.getElementById("engine-status");
  const feedState = document.getElementById("feed-state");
  const calls = document.getElementById("live-calls");
  const agents = document.getElementById("live-agents");

  function say(key) {
    feedState.textContent = feedState.dataset[key] || "";
  }

  function elapsed(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(r).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
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
  source.onerror = function () {
    say(source.readyState === EventSource.CLOSED ? "closed" : "lost");
  };
  tick();
  setInterval(tick, 1000);
})();
