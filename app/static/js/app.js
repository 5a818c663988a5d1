// Progressive enhancement only: every page works without this file.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  });
}
// The live ID check's verdict replaces the last one (the form's error included): the input
// and its field are marked invalid (red border, screen readers) only while it reports an error.
document.addEventListener("htmx:afterSettle", function (event) {
  var feedback = document.getElementById("id-feedback");
  var input = document.getElementById("id_number");
  if (!feedback || !input || !feedback.contains(event.detail.elt) && event.detail.elt !== feedback) return;
  var invalid = !!feedback.querySelector(".error");
  input.setAttribute("aria-invalid", invalid ? "true" : "false");
  var hint = document.getElementById(input.id + "-hint");
  input.setAttribute("aria-describedby", (hint ? hint.id + " " : "") + "id-feedback");
  var field = input.closest(".field");
  if (field) field.classList.toggle("has-error", invalid);
});
// Print buttons (data-print) exist only where this script runs; without it the page says
// to use the browser's own print command.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
// A failed htmx request says so: without this the page just stays as it was, which looks
// like "nothing found". A stale CSRF token (the user signed in again in another tab) is
// renewed from the server's answer and the request sent again, once; if that fails too,
// the message asks to reload. The texts come translated from #request-problem (base.html).
(function () {
  function box() { return document.getElementById("request-problem"); }
  function show(kind, status) {
    var el = box();
    if (!el) return;
    el.querySelector("p").textContent = (el.getAttribute("data-" + kind) || "").replace("{status}", status || "");
    el.querySelector("[data-reload]").hidden = kind !== "expired";
    el.hidden = false;
  }
  function renewToken(token) {
    var body = document.body, headers = {};
    try { headers = JSON.parse(body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
    headers["X-CSRFToken"] = token;
    body.setAttribute("hx-headers", JSON.stringify(headers));
    document.querySelectorAll('input[name="csrf_token"]').forEach(function (input) { input.value = token; });
  }
  document.addEventListener("htmx:responseError", function (event) {
    var detail = event.detail, xhr = detail.xhr, token = xhr.getResponseHeader("X-CSRF-Token");
    if (xhr.status === 400 && token) {
      if (!detail.elt.anjuRetried) {
        detail.elt.anjuRetried = true;
        renewToken(token);
        htmx.ajax(detail.requestConfig.verb, detail.requestConfig.path, { source: detail.elt, target: detail.target });
        return;
      }
      show("expired");
      return;
    }
    show("failed", xhr.status);
  });
  document.addEventListener("htmx:sendError", function () { show("offline"); });
  document.addEventListener("htmx:timeout", function () { show("offline"); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) return;
    event.detail.elt.anjuRetried = false;
    var el = box();
    if (el) el.hidden = true;
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#request-problem [data-reload]")) location.reload();
  });
})();
