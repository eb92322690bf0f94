// The agent console's campaign panel: the next record to preview (Dial / Skip), the
// record popped when a campaign call is put through (`campaign.connected` on the
// console's stream, relayed by agent.js as a "callbox:event"), and its disposition form.
"use strict";
(function () {
  const script = document.currentScript;
  const card = document.getElementById("campaign-card");
  const panel = document.getElementById("campaign-panel");
  const message = document.getElementById("campaign-message");
  const next = document.getElementById("preview-next");
  if (!card) return;

  function headers(extra) {
    return Object.assign({ "X-CSRF-Token": script.dataset.csrf, "X-Requested-With": "callbox" }, extra || {});
  }

  function say(text, bad) { message.textContent = text; message.className = bad ? "error" : "ok"; }

  function load(url) {
    return fetch(url, { headers: headers() })
      .then(function (r) { return r.text(); })
      .then(function (html) { panel.innerHTML = html; card.hidden = false; });
  }

  if (next) next.addEventListener("click", function () { say(""); load(card.dataset.preview); });

  panel.addEventListener("click", function (e) {  // Dial or Skip a previewed record
    const button = e.target.closest("button[data-preview]");
    if (!button) return;
    const url = card.dataset.act + button.dataset.contact + "/" + button.dataset.preview;
    fetch(url, { method: "POST", headers: headers() })
      .then(function (r) { return r.json(); })
      .then(function (reply) { say(reply.note || (reply.error && reply.error.message) || ""); })
      .catch(function () { say(script.dataset.failed, true); });
  });

  panel.addEventListener("submit", function (e) {  // the disposition
    const form = e.target.closest("#disposition-form");
    if (!form) return;
    e.preventDefault();
    fetch(form.action, { method: "POST", headers: headers({ "Accept": "application/json" }), body: new FormData(form) })
      .then(function (r) {
        if (r.ok) return r.json().then(function (reply) { panel.innerHTML = ""; say(reply.note || script.dataset.saved); });
        const type = r.headers.get("Content-Type") || "";
        if (type.indexOf("json") >= 0) return r.json().then(function (reply) { say(reply.error.message, true); });
        return r.text().then(function (html) { panel.innerHTML = html; });  // the form, errors shown
      })
      .catch(function () { say(script.dataset.failed, true); });
  });

  document.addEventListener("callbox:event", function (e) {
    const ev = e.detail;
    if (ev.event !== "campaign.connected") return;
    const d = ev.data || {};
    say("");
    const query = new URLSearchParams({ campaign: d.campaign, contact: d.contact, attempt: d.attempt });
    load(card.dataset.pop + "?" + query.toString());
  });
})();
