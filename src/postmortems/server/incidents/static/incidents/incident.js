// Incident pages: show each <time class="local"> in the viewer's own timezone too (the server
// writes the incident's zone). Runs again after htmx swaps the live timeline in.
(function () {
  function localize(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    root.querySelectorAll("time.local").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      el.textContent = when.toLocaleString(undefined, {
        year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short"
      });
      el.title = zone;
    });
    root.querySelectorAll(".local-zone").forEach(function (el) { el.textContent = "your time (" + zone + ")"; });
  }
  document.addEventListener("DOMContentLoaded", function () { localize(document); });
  document.addEventListener("htmx:afterSwap", function () { localize(document); });
})();
