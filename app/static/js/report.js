// The monthly report's print button (without JavaScript, the browser's own Print works).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
