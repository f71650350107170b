/* rmkit: names for the controls that Material and the task-list extension leave unnamed,
   so that screen readers announce them (axe: aria-dialog-name, label). */
(function () {
  function name() {
    document.querySelectorAll('.md-search[role="dialog"]:not([aria-label])').forEach(function (dialog) {
      var input = dialog.querySelector("input[placeholder]");
      dialog.setAttribute("aria-label", input ? input.getAttribute("placeholder") : "Search");
    });
    document.querySelectorAll(".task-list-item > .task-list-control > input[type=checkbox]:not([aria-label])")
      .forEach(function (box) {
        var item = box.closest(".task-list-item");
        var text = item ? item.textContent.replace(/\s+/g, " ").trim() : "";
        if (text) box.setAttribute("aria-label", text);
      });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(name); /* Material's instant navigation swaps pages in place */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", name);
  } else {
    name();
  }
})();
