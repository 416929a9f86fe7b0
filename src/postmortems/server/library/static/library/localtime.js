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
      // The same shape as the incident's own column (2026-12-02 19:20:00 GMT), whatever the
      // browser's locale, so the two columns read alike.
      var parts = {};
      FORMAT.formatToParts(when).forEach(function (p) { parts[p.type] = p.value; });
      el.textContent = parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" +
        parts.minute + ":" + parts.second + " " + parts.timeZoneName;
      el.title = zone;
      // The reader's zone is the incident's: a phone leaves out the column that repeats it.
      var cell = el.closest("td");
      if (cell) cell.classList.toggle("same-zone", el.getAttribute("data-zone") === zone);
    });
    root.querySelectorAll(".local-zone").forEach(function (el) { el.textContent = "your time (" + zone + ")"; });
  }
  document.addEventListener("DOMContentLoaded", function () { localize(document); });
  document.addEventListener("htmx:afterSwap", function () { localize(document); });
})();
