// Backups pages: follow a run ("Back up now", "Verify now", a restore) until it ends,
// polling its progress (JSON) and filling the progress bar.
(() => {
  const box = document.getElementById("backup-progress");
  if (!box) return;
  const stages = JSON.parse(box.dataset.stages);
  const statuses = JSON.parse(box.dataset.statuses);
  const bar = document.getElementById("backup-bar");
  const stageText = document.getElementById("backup-stage");
  const statusText = document.getElementById("backup-status");
  const message = document.getElementById("backup-message");
  const orders = {
    backup: ["archive", "upload", "retention"],
    verify: ["download", "verify"],
    restore: ["download", "verify", "stopping", "restore", "migrate", "starting"],
  };
  const overall = (run) => {
    if (run.done) return run.status === "ok" ? 1 : Number(bar.value);
    const order = orders[run.kind] || [];
    const at = order.indexOf(run.stage);
    return at < 0 ? Number(bar.value) : (at + run.progress) / order.length;
  };
  // The run log was drawn while the run was going: bring its row up to date.
  const showInLog = (run) => {
    const row = document.querySelector(`tr[data-run="${run.id}"]`);
    if (!row) return;
    row.className = `run-${run.status}`;
    row.querySelector(".run-status").textContent = statuses[run.status] || run.status;
    row.querySelector(".run-archive").textContent = run.archive;
    row.querySelector(".run-size").textContent = run.size || "";
    if (run.status !== "ok") row.querySelector(".run-detail").textContent = run.message;
  };
  const poll = async () => {
    let run;
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      run = await response.json();
    } catch (error) {
      setTimeout(poll, 1000); // the web answers again once it is back
      return;
    }
    bar.value = Math.max(Number(bar.value), overall(run));
    stageText.textContent = stages[run.stage] || run.stage;
    statusText.textContent = statuses[run.status] || run.status;
    box.dataset.status = run.status;
    if (run.done) {
      message.textContent = [run.archive, run.message].filter(Boolean).join(" — ");
      showInLog(run);
      return;
    }
    setTimeout(poll, 250);
  };
  poll();
})();
