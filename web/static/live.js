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
  feed.supervise(calls);
  source.onerror = function () {
    say(source.readyState === EventSource.CLOSED ? "closed" : "lost");
  };
  tick();
  setInterval(tick, 1000);
})();
