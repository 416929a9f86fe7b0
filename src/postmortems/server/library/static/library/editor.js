// Clicking a lint finding selects that line in the editor and scrolls it into view.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-line]");
  if (!link) return;
  event.preventDefault();
  var area = document.getElementById("text");
  var lines = area.value.split("\n");
  var line = Math.max(1, Math.min(parseInt(link.dataset.line, 10) || 1, lines.length));
  var start = 0;
  for (var i = 0; i < line - 1; i++) start += lines[i].length + 1;
  var end = start + lines[line - 1].length;
  area.focus();
  area.setSelectionRange(start, end);
  var lineHeight = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
  area.dataset.jumpedTo = String(line);
});
