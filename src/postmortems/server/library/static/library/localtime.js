// Every page: show each <time class="local"> in the viewer's own timezone (the server writes
// UTC, or the incident's zone beside it). Runs again after htmx swaps the live timeline in.
(function () {
  var FORMAT = new Intl.DateTimeFormat("en-US", {
    year: "numeric", month: "2-digit", day: "2-digit", hourCycle: "h23",
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short"
  });
  function localize(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    root.querySelectorAll("time.local").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      // The same shape as the server writes beside it (the incident's own column: 2026-12-02
      // 19:20:00 GMT, data-seconds; elsewhere to the minute: 2026-12-02 19:20 UTC), whatever
      // the browser's locale: seconds only where the server writes them (noted before the first
      // change).
      if (!el.dataset.precision) {
        var written = el.hasAttribute("data-seconds") || /\d:\d\d:\d\d/.test(el.textContent);
        el.dataset.precision = written ? "s" : "m";
      }
      var parts = {};
      FORMAT.formatToParts(when).forEach(function (p) { parts[p.type] = p.value; });
      var seconds = el.dataset.precision === "s" ? ":" + parts.second : "";
      el.textContent = parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" +
        parts.minute + seconds + " " + parts.timeZoneName;
      el.title = zone;
      // The reader's zone is the incident's: a phone leaves out the column that repeats it.
      var cell = el.closest("td");
      if (cell) cell.classList.toggle("same-zone", el.getAttribute("data-zone") === zone);
      // A line of the reader's own time beside one written in the incident's zone: left out
      // when the reader's clock has the incident's offset then (the same wall time, whatever
      // each zone is called: GMT and UTC).
      var line = el.closest(".yours-line");
      if (line && el.hasAttribute("data-offset")) {
        line.hidden = Number(el.getAttribute("data-offset")) === -when.getTimezoneOffset();
      }
    });
    root.querySelectorAll(".local-zone").forEach(function (el) { el.textContent = "your time (" + zone + ")"; });
  }
  document.addEventListener("DOMContentLoaded", function () { localize(document); });
  document.addEventListener("htmx:afterSwap", function () { localize(document); });
})();
