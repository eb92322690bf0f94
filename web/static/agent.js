// The agent console: its own event stream (/agent/events) drives the screen pop, the
// call controls and the wrap-up; messages from colleagues arrive on the same stream.
"use strict";
(function () {
  const script = document.querySelector("script[data-events]");
  const me = script.dataset.extension;
  const labels = JSON.parse(script.dataset.states || "{}");
  const banner = document.getElementById("engine-status");
  const feedState = document.getElementById("feed-state");
  const pop = document.getElementById("pop");
  const callStatus = document.getElementById("call-status");
  const controls = document.getElementById("call-controls");
  const callMessage = document.getElementById("call-message");
  const wrapup = document.getElementById("wrapup-form");
  const wrapupMessage = document.getElementById("wrapup-message");
  let currentCall = "";

  function say(key) { feedState.textContent = feedState.dataset[key] || ""; }

  function setCall(callId, text, state) {
    currentCall = callId;
    callStatus.textContent = text;
    callStatus.className = "state state-" + state;
    controls.dataset.callId = callId;
    wrapup.elements.call_id.value = callId;
  }

  function post(url, body, isForm) {
    const headers = { "Accept": "application/json", "X-CSRF-Token": script.dataset.csrf,
                      "X-Requested-With": "callbox" };
    if (!isForm) headers["Content-Type"] = "application/json";
    return fetch(url, { method: "POST", headers: headers, body: isForm ? body : JSON.stringify(body) });
  }

  function showPop(callId) {
    fetch(pop.dataset.base + encodeURIComponent(callId), { headers: { "X-Requested-With": "callbox" } })
      .then(function (r) { return r.text(); })
      .then(function (html) { pop.innerHTML = html; });
  }

  // Editing the record in place: the form comes back as a fragment, with errors and
  // what was typed when it was refused.
  pop.addEventListener("submit", function (e) {
    const form = e.target.closest("form[data-fragment]");
    if (!form) return;
    e.preventDefault();
    post(form.action, new FormData(form), true)
      .then(function (r) { return r.text(); })
      .then(function (html) {
        form.outerHTML = html;
        const saved = pop.querySelector(".saved");
        if (saved) saved.hidden = false;
      });
  });

  function offered(ev) {  // a colleague transfers or conferences a call to me: pop it too
    if (ev.data.to !== "agent:" + me) return;
    setCall(ev.call_id, script.dataset.ringing, "ringing");
    showPop(ev.call_id);
  }

  const handlers = {
    "agent.ringing": function (ev) { setCall(ev.call_id, script.dataset.ringing, "ringing"); showPop(ev.call_id); },
    "agent.answered": function (ev) { setCall(ev.call_id, script.dataset.talking, "on_call"); },
    "transfer.started": function (ev) { offered(ev); },
    "conference.started": function (ev) { offered(ev); },
    "transfer.completed": function (ev) { if (ev.data.agent === me) setCall(ev.call_id, script.dataset.talking, "on_call"); },
    "dial.ringing": function (ev) { setCall(ev.call_id, script.dataset.dialing, "ringing"); showPop(ev.call_id); },
    "dial.answered": function (ev) { setCall(ev.call_id, script.dataset.talking, "on_call"); },
    "call.ended": function (ev) {
      if (ev.call_id === currentCall) {
        callStatus.textContent = script.dataset.ended;
        callStatus.className = "state state-wrap_up";
      }
    },
    "agent.state": function (ev) {
      const state = document.getElementById("agent-state");
      if (!state || ev.data.agent !== me) return;
      state.textContent = labels[ev.data.state] || ev.data.state;
      state.className = "state state-" + ev.data.state;
      document.getElementById("agent-reason").textContent = ev.data.reason || "";
    },
  };

  controls.addEventListener("click", function (e) {
    const button = e.target.closest("button[data-op]");
    if (!button || !currentCall) return;
    const body = {};
    const target = document.getElementById("call-target").value.trim();
    if (button.dataset.op === "transfer" || button.dataset.op === "conference") body.target = target;
    if (button.dataset.attended) body.attended = true;
    callMessage.className = "";
    post(controls.dataset.base + encodeURIComponent(currentCall) + "/" + button.dataset.op, body)
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (reply) {
        callMessage.className = reply.ok ? "ok" : "error";
        callMessage.textContent = reply.ok ? script.dataset.done : reply.data.error.message;
      })
      .catch(function () { callMessage.className = "error"; callMessage.textContent = script.dataset.failed; });
  });

  wrapup.addEventListener("submit", function (e) {
    e.preventDefault();
    post(wrapup.action, new FormData(wrapup), true).then(function (r) {
      if (r.ok) { wrapupMessage.textContent = script.dataset.saved; wrapup.reset(); return; }
      return r.text().then(function (html) {  // the form again, with errors and what was typed
        const page = new DOMParser().parseFromString(html, "text/html");
        const form = page.getElementById("wrapup-form");
        if (form) wrapup.innerHTML = form.innerHTML;
      });
    });
  });

  document.getElementById("dial-form").addEventListener("submit", function (e) {
    e.preventDefault();
    window.callboxDial(e.target.elements.number.value.trim());
  });

  const panel = document.getElementById("status-panel");
  setInterval(function () {  // registrations and colleagues' states, now and then
    fetch(panel.dataset.url, { headers: { "X-Requested-With": "callbox" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) panel.innerHTML = html; });
  }, 15000);

  const source = new EventSource(script.dataset.events);
  say("connecting");
  source.addEventListener("hello", function () { banner.hidden = true; say("live"); });
  source.addEventListener("engine-down", function (e) {
    banner.textContent = JSON.parse(e.data).message;
    banner.hidden = false;
  });
  source.addEventListener("message", function (e) {
    const ev = JSON.parse(e.data);
    if (handlers[ev.event]) handlers[ev.event](ev);
    document.dispatchEvent(new CustomEvent("callbox:event", { detail: ev }));  // agent_campaign.js
  });
  source.addEventListener("inbox", function (e) {  // an internal message to me
    const message = JSON.parse(e.data);
    const item = document.createElement("li");
    const who = document.createElement("strong");
    who.textContent = message.from;
    const body = document.createElement("p");
    body.textContent = message.body;
    item.append(who, body);
    document.getElementById("live-messages").prepend(item);
  });
  source.onerror = function () { say("lost"); };
})();
