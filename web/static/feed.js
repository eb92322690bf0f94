// What the live page and the wallboard share: the feed's state line, elapsed times,
// showing a supervisor's broadcast (SSE `broadcast`) at the top of a list, and the
// supervisor's listen / whisper / barge buttons on calls.
"use strict";
window.callboxFeed = (function () {
  // Show the feed-state element's text for key (its data-* attributes hold the words).
  function say(feedState, key) {
    feedState.textContent = feedState.dataset[key] || "";
  }

  // Return seconds as m:ss, or h:mm:ss from an hour on.
  function elapsed(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(r).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  // Put a broadcast first in list (from the template's item), keeping the last five.
  function showBroadcast(list, template, message, clockChars) {
    const item = template.content.firstElementChild.cloneNode(true);
    item.querySelector("time").textContent =
      new Date(message.at * 1000).toTimeString().slice(0, clockChars);
    item.querySelector(".from").textContent = message.from;
    item.querySelector(".text").textContent = message.text;
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 5) list.removeChild(list.lastChild);
  }

  // Send the supervisor's actions on calls (buttons data-op, data-mode in rows
  // data-call-id inside calls) to the live page's endpoint; show the engine's answer as
  // it words it (a call that just ended, a phone that is not registered...).
  function supervise(calls) {
    const form = document.getElementById("supervise");
    const status = document.getElementById("supervise-status");
    const extension = document.getElementById("supervisor-ext");
    if (!form || !calls) return;
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
      fetch(form.dataset.base + encodeURIComponent(row.dataset.callId) + "/" + button.dataset.op, {
        method: "POST",
        headers: { "Accept": "application/json", "Content-Type": "application/json",
                   "X-CSRF-Token": form.dataset.csrf },
        body: JSON.stringify(body),
      }).then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      }).then(function (reply) {
        status.className = reply.ok ? "ok" : "error";
        status.textContent = reply.ok ? form.dataset.sent : reply.data.error.message;
      }).catch(function () {
        status.className = "error";
        status.textContent = form.dataset.failed;
      });
    });
  }

  return { say: say, elapsed: elapsed, showBroadcast: showBroadcast, supervise: supervise };
})();
