// The setup wizard: the print button of the credentials page, and the test-call
// checklist's registrations, polled every two seconds while the page is open.
"use strict";
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  const table = document.getElementById("registrations");
  if (!table) return;
  const note = document.getElementById("engine-note");

  function show(status) {
    note.hidden = status.engine;
    table.querySelectorAll("tr[data-extension]").forEach(function (row) {
      const state = status.agents[row.dataset.extension] || {};
      const cell = row.querySelector(".reg");
      cell.className = "reg " + (state.registered ? "online" : "offline");
      cell.textContent = state.registered ? table.dataset.online : table.dataset.offline;
      cell.title = state.contact || "";
    });
  }

  function poll() {
    fetch(table.dataset.status, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) { if (status) show(status); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
