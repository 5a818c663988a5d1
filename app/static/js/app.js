// Progressive enhancement only: every page works without this file.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
}
// The live ID check marks its input invalid (red border, screen readers) when it reports an error.
document.addEventListener("htmx:afterSettle", function (event) {
  var feedback = document.getElementById("id-feedback");
  var input = document.getElementById("id_number");
  if (!feedback || !input || !feedback.contains(event.detail.elt) && event.detail.elt !== feedback) return;
  input.setAttribute("aria-invalid", feedback.querySelector(".error") ? "true" : "false");
  input.setAttribute("aria-describedby", "id-feedback");
});
// Print buttons (data-print) exist only where this script runs; without it the page says
// to use the browser's own print command.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
