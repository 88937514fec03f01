// Give Material's search dialog an accessible name (axe-core: aria-dialog-name).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".md-search[role='dialog']").forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search the report");
  });
});

// A table or chart box that scrolls sideways must be reachable by keyboard
// (axe-core: scrollable-region-focusable); only the boxes that overflow at this width.
function markScrollBoxes() {
  document.querySelectorAll(".ts-scroll, .ts-chart").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollBoxes);
window.addEventListener("resize", markScrollBoxes);
