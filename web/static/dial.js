// Click-to-dial: a click on a number shown with the `dial` filter rings the user's phone,
// which then calls the number.  Included by every page that shows such numbers.
"use strict";
(function () {
  const script = document.querySelector("script[data-dial-url]");
  const status = document.getElementById("dial-status");

  function show(text, ok) {
    status.textContent = text;
    status.className = "dial-status " + (ok ? "ok" : "error");
    status.hidden = false;
  }

  window.callboxDial = function (number) {
    return fetch(script.dataset.dialUrl, {
      method: "POST",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-CSRF-Token": script.dataset.csrf,
      },
      body: JSON.stringify({ number: number }),
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (reply) {
      if (reply.ok) show(script.dataset.sent.replace("{n}", number), true);
      else show(reply.data.error.message, false);
      return reply;
    }).catch(function () {
      show(script.dataset.failed, false);
    });
  };

  document.addEventListener("click", function (e) {
    const link = e.target.closest("a[data-dial]");
    if (!link) return;
    e.preventDefault();
    window.callboxDial(link.dataset.dial);
  });
})();
