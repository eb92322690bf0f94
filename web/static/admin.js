// Admin pages: ask before deleting (the server refuses deletes of things in use anyway).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// IVR editor: a node's fields depend on its type, so a new type re-renders the editor
// (the same as pressing "Check and simulate"; nothing is published).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-refresh]");
  if (select) {
    select.form.requestSubmit(select.form.querySelector('button[value="simulate"]'));
  }
});
