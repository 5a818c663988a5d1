// The card pages' own small service worker (/card-sw.js, never the staff app's): a card page
// seen once stays readable offline. The first visit is not yet under that worker's control,
// so the page hands the worker its address to keep once the worker is active.
(function () {
  var sw = navigator.serviceWorker;
  if (!sw || !/^\/[cC]\/[^/]+$/.test(location.pathname)) return;
  function active(registration) {
    return new Promise(function (done) {
      var worker = registration.installing || registration.waiting;
      if (registration.active || !worker) return done(registration.active);
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") done(worker);
      });
    });
  }
  sw.register("/card-sw.js", { scope: location.pathname.slice(0, 3) }).then(function (registration) {
    if (sw.controller && /\/card-sw\.js$/.test(sw.controller.scriptURL)) return null;  // it kept this visit
    return active(registration);
  }).then(function (worker) {
    if (worker) worker.postMessage({ keep: location.pathname });
  }).catch(function () {});
})();
