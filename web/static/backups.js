// Backups page: follow a run started by "Back up now" / "Verify now" until it ends,
// polling its progress (JSON) and filling the progress bar; reload to show the run log.
(() => {
  const box = document.getElementById("backup-progress");
  if (!box) return;
  const stages = JSON.parse(box.dataset.stages);
  const statuses = JSON.parse(box.dataset.statuses);
  const bar = document.getElementById("backup-bar");
  const stageText = document.getElementById("backup-stage");
  const statusText = document.getElementById("backup-status");
  const message = document.getElementById("backup-message");
  const order = ["archive", "upload", "retention"];
  const overall = (run) => {
    if (run.done) return run.status === "ok" ? 1 : Number(bar.value);
    const at = order.indexOf(run.stage);
    if (at < 0) return run.progress; // a verify: one stage at a time
    return (at + run.progress) / order.length;
  };
  const poll = async () => {
    let run;
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" } });
      run = await response.json();
    } catch (error) {
      setTimeout(poll, 1000);
      return;
    }
    bar.value = overall(run);
    stageText.textContent = stages[run.stage] || run.stage;
    statusText.textContent = statuses[run.status] || run.status;
    box.dataset.status = run.status;
    if (run.done) {
      message.textContent = [run.archive, run.message].filter(Boolean).join(" — ");
      return;
    }
    setTimeout(poll, 250);
  };
  poll();
})();
