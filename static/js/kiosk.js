/* Kiosk: keep the screen alive with no one touching it.
   - When a refresh fails, the last slide stays and we retry after 2, 4, 8 … 60 s.
   - The clock shows WITA (Asia/Makassar) whatever the machine's zone. */
(function () {
  "use strict";
  var failures = 0;
  var retryTimer = null;
  var status = function () { return document.getElementById("k-status"); };

  function retryLater() {
    failures += 1;
    var delay = Math.min(60000, 2000 * Math.pow(2, failures - 1));
    document.body.classList.add("k-offline");
    var s = status();
    if (s) { s.textContent = s.dataset.reconnecting || "Menyambung ulang…"; }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      var panel = document.getElementById("kiosk-panel");
      if (panel && window.htmx) { window.htmx.trigger(panel, "kiosk-retry"); }
    }, delay);
  }

  function recovered() {
    failures = 0;
    clearTimeout(retryTimer);
    document.body.classList.remove("k-offline");
    var s = status();
    if (s) { s.textContent = ""; }
  }

  document.addEventListener("htmx:sendError", retryLater);
  document.addEventListener("htmx:responseError", retryLater);
  document.addEventListener("htmx:timeout", retryLater);
  document.addEventListener("htmx:afterSwap", recovered);

  var clockFormat = new Intl.DateTimeFormat("id-ID", {
    hour: "2-digit", minute: "2-digit", timeZone: "Asia/Makassar", hour12: false
  });
  function tick() {
    var clock = document.getElementById("clock");
    if (clock) { clock.textContent = clockFormat.format(new Date()).replace(":", "."); }
  }
  setInterval(tick, 10000);
  tick();
})();
