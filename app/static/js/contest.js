/* Progressive enhancement: keep the home page's countdown current without a reload.
   The server renders the text and every word this script needs (data-* attributes), so
   without JavaScript the page still says the same thing as of its loading time. */
(function () {
  "use strict";

  function plural(el, unit, n) {
    var key = n === 1 ? unit + "One" : unit + "Many";
    return (el.dataset[key] || "").replace("%(num)d", String(n));
  }

  function text(el, now) {
    var deadline = Date.parse(el.dataset.deadline);
    if (isNaN(deadline)) return null;
    var minutes = Math.max(1, Math.ceil((deadline - now) / 60000));
    if (deadline <= now) return null;
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts;
    if (days) {
      parts = [plural(el, "day", days)].concat(hours ? [plural(el, "hour", hours)] : []);
    } else if (hours) {
      parts = [plural(el, "hour", hours)].concat(mins ? [plural(el, "minute", mins)] : []);
    } else {
      parts = [plural(el, "minute", mins)];
    }
    return (el.dataset.template || "").replace("%(time)s", parts.join(" "));
  }

  // The server's clock decides: a phone set to the wrong time still counts correctly.
  var first = document.querySelector(".countdown[data-now]");
  var skew = first ? Date.parse(first.dataset.now) - Date.now() : 0;
  if (isNaN(skew)) skew = 0;

  function tick() {
    var nodes = document.querySelectorAll(".countdown[data-deadline][data-template]");
    for (var i = 0; i < nodes.length; i++) {
      var value = text(nodes[i], Date.now() + skew);
      if (value === null) {
        window.location.reload(); // the phase changed: the server knows what to show now
        return;
      }
      if (nodes[i].textContent !== value) nodes[i].textContent = value;
    }
  }

  if (document.querySelector(".countdown[data-deadline][data-template]")) {
    window.setInterval(tick, 30000);
  }
})();
