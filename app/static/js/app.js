// Progressive enhancement only: every page works without this file.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
}
// After htmx swaps, move focus to the first error so that a phone user sees it.
document.addEventListener("htmx:afterSwap", function (event) {
  var error = event.detail.target.querySelector && event.detail.target.querySelector("[aria-invalid=true]");
  if (error) error.focus();
});
