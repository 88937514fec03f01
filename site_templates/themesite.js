// Give Material's search dialog an accessible name (axe-core: aria-dialog-name).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".md-search[role='dialog']").forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search the report");
  });
});
