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

// The structured fields above the editor show the front matter of the text area and write
// into it: the text area stays the source of truth (what is saved, what the preview reads).
(function () {
  var area = document.getElementById("text");
  var box = document.getElementById("fields");
  if (!area || !box) return;
  box.hidden = false;
  var FRONT = /^---[ \t]*\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/;
  var DATETIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(.*)$/;
  var ZONES = {PST: "America/Los_Angeles", PDT: "America/Los_Angeles", MST: "America/Denver",
    MDT: "America/Denver", CST: "America/Chicago", CDT: "America/Chicago", EST: "America/New_York",
    EDT: "America/New_York", GMT: "Europe/London", BST: "Europe/London", CET: "Europe/Berlin",
    CEST: "Europe/Berlin", WAT: "Africa/Lagos", EAT: "Africa/Nairobi", IST: "Asia/Kolkata",
    SGT: "Asia/Singapore", JST: "Asia/Tokyo"};

  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }
  function lineOf(key) { return new RegExp("^(" + key + ":[ \\t]*)(.*?)((?:[ \\t]+#.*)?)$", "m"); }
  function unquote(v) { return /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v; }

  function read(key) {
    var front = FRONT.exec(area.value);
    var m = front && lineOf(key).exec(front[1] || "");
    return m ? unquote(m[2].trim()) : "";
  }

  function yamlText(v) {
    return /^[\s\[\]{}&*!|>'"%@`,#-]|: | #|\s$/.test(v) ? JSON.stringify(v) : v;
  }

  function write(key, value) {
    var text = area.value.replace(/\r\n/g, "\n");
    var front = FRONT.exec(text);
    if (!front) {
      text = "---\n" + key + ": " + value + "\n---\n" + text;
    } else {
      var body = front[1] || "";
      var re = lineOf(key);
      body = re.test(body)
        ? body.replace(re, function (_, head, old, comment) { return head + value + comment; })
        : body + key + ": " + value + "\n";
      text = "---\n" + body + "---\n" + text.slice(front[0].length);
    }
    area.value = text;
    area.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function fill() {
    box.querySelectorAll("[data-field]").forEach(function (el) {
      if (el === document.activeElement) return;
      var key = el.dataset.field;
      var value = read(key);
      if (el.type === "checkbox") { el.checked = value === "true"; return; }
      if ("list" in el.dataset) { value = value.replace(/^\[|\]$/g, "").split(",").map(function (s) { return s.trim(); }).filter(Boolean).join(", "); }
      if (el.type === "datetime-local") { var m = DATETIME.exec(value); value = m ? m[1] : ""; }
      if (el.tagName === "SELECT" && value && !Array.prototype.some.call(el.options, function (o) { return o.value === value; })) {
        el.add(new Option(value, value));
      }
      el.value = value;
    });
  }

  function fromField(el) {
    var key = el.dataset.field;
    var value = el.value.trim();
    if (el.type === "checkbox") value = el.checked ? "true" : "false";
    else if ("list" in el.dataset) value = "[" + value.split(",").map(function (s) { return s.trim(); }).filter(Boolean).join(", ") + "]";
    else if (el.type === "datetime-local") { var m = DATETIME.exec(read(key)); value = value ? value + (m ? m[2] : "") : ""; }
    else value = yamlText(value);
    write(key, value);
  }

  box.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.field) fromField(event.target);
  });
  box.addEventListener("change", function (event) {
    if (event.target.dataset && event.target.dataset.field) fromField(event.target);
  });
  area.addEventListener("input", fill);

  function now(zone) {
    var options = {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: ZONES[zone] || zone || "UTC"};
    try { return new Intl.DateTimeFormat("en-GB", options).format(new Date()); }
    catch (e) { options.timeZone = "UTC"; return new Intl.DateTimeFormat("en-GB", options).format(new Date()); }
  }

  // Insert ``line`` at the end of the section whose heading matches ``heading`` (or a new
  // section ``title`` at the end), then select ``pick`` in it for typing.
  function insert(heading, title, line, pick) {
    var lines = area.value.replace(/\r\n/g, "\n").split("\n");
    var at = lines.findIndex(function (l) { return heading.test(l); });
    var where;
    if (at < 0) {
      while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
      lines.push("", "## " + title, "", line);
      where = lines.length - 1;
    } else {
      var end = lines.findIndex(function (l, i) { return i > at && /^#{1,6}\s/.test(l); });
      if (end < 0) end = lines.length;
      where = end;
      while (where - 1 > at && !lines[where - 1].trim()) where--;
      lines.splice(where, 0, line);
      if (where === at + 1) { lines.splice(where, 0, ""); where++; }
    }
    area.value = lines.join("\n");
    var start = lines.slice(0, where).join("\n").length + (where ? 1 : 0);
    var from = start + line.indexOf(pick);
    area.focus();
    area.setSelectionRange(from, from + pick.length);
    area.dispatchEvent(new Event("input", {bubbles: true}));
  }

  // The zone's label for an entry's time: the abbreviation the document names ("PST"), else
  // one the browser knows for its zone (American English names "PST", British "CET"; none
  // for a zone only known by its offset, "GMT+4").
  function label(zone) {
    if (/^[A-Z]{2,5}$/.test(zone)) return zone;
    var names = ["en-US", "en-GB"].map(function (locale) {
      try {
        var parts = new Intl.DateTimeFormat(locale, {timeZone: zone || "UTC", timeZoneName: "short"}).formatToParts(new Date());
        return parts.find(function (p) { return p.type === "timeZoneName"; }).value;
      } catch (e) { return ""; }
    });
    return names.find(function (name) { return /^[A-Z]{2,5}$/.test(name); }) || "";
  }

  // What the helpers insert leaves "…" selected, the template's slot: typing replaces it, and
  // lint (PM116) says so while it is still there.
  document.getElementById("add-entry").addEventListener("click", function () {
    var zone = read("timezone"), text = "…", stamp = now(zone), named = label(zone);
    insert(/^#{1,6}\s*timeline\b/i, "Timeline", "- " + stamp + (named ? " " + named : "") + " - " + text, text);
  });
  document.getElementById("add-item").addEventListener("click", function () {
    var due = new Date(Date.now() + 14 * 864e5).toISOString().slice(0, 10);
    var me = document.body.dataset.user || "someone";
    var text = "…";
    var line = "- [ ] " + text + " (owner: @" + me + ", due: " + due + ")";
    insert(/^#{1,6}\s*(corrective|action items|measures|follow-?ups|to-?do)/i,
      "Corrective and Preventative Measures", line, text);
  });
  fill();
})();

// Screen readers hear the lint's count after each check, not the whole list and preview again
// (#side is no live region: it is replaced at every pause in the typing).
document.addEventListener("htmx:afterSettle", function (event) {
  var side = document.getElementById("side"), status = document.getElementById("lint-status");
  if (!side || !status || event.detail.target !== side) return;
  var findings = side.querySelectorAll("#findings li").length;
  var errors = side.querySelectorAll("#findings li.error").length;
  var said = findings ? findings + (findings === 1 ? " finding" : " findings") +
    (errors ? ", " + errors + (errors === 1 ? " error" : " errors") : "") : "no findings";
  if (status.textContent !== "Lint: " + said) status.textContent = "Lint: " + said;
});

// A check the server refused (too complex: 422, another check running: 429, the server's own
// fault: 503) answers with findings that say so; htmx swaps no 4xx/5xx answer by itself, and the
// panel would go on showing the last text's preview as if it were this one's.
document.addEventListener("htmx:beforeSwap", function (event) {
  var side = document.getElementById("side");
  if (!side || event.detail.target !== side) return;
  if ([422, 429, 503].indexOf(event.detail.xhr.status) >= 0) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// What you type is kept in this browser too (localStorage, under your name, the postmortem and
// this page's editor name) until a save of it goes through: the server then names the page in
// the pm_saved cookie and site.js forgets it (as it forgets every one on log-out, another
// person's, and one typed into more than KEPT_DAYS days ago). So an ended session, a refused
// CSRF token or a lost connection loses nothing, and opening the editor offers back a kept text
// of yours that differs from the one the server sent.
(function () {
  var form = document.getElementById("editor-form"), area = document.getElementById("text");
  if (!form || !area) return;
  var prefix = "pm-editor:" + document.body.dataset.user + ":" + (form.elements.key.value || "new") + ":";
  var mine = prefix + form.elements.editor.value;
  var opened = plain(area.value);
  var offered = null;

  function plain(text) { return text.replace(/\r\n/g, "\n"); }

  // (area.dataset.kept: whether it could, which the messages below say.)
  function keep() {
    try {
      var copy = {text: area.value, base: form.elements.base_version.value, at: Date.now()};
      localStorage.setItem(mine, JSON.stringify(copy));
      area.dataset.kept = "yes";
    } catch (e) { area.dataset.kept = "no"; }  // storage full or turned off
  }

  // The other pages' copies of this postmortem, newest first; one that holds the text the
  // editor opened with is kept on the server already, and forgotten.
  function copies() {
    var found = [];
    try {
      Object.keys(localStorage).forEach(function (name) {
        if (name.indexOf(prefix) !== 0 || name === mine) return;
        var copy = JSON.parse(localStorage.getItem(name) || "null");
        if (!copy || typeof copy.text !== "string" || plain(copy.text) === opened) localStorage.removeItem(name);
        else found.push({name: name, copy: copy});
      });
    } catch (e) { return []; }
    return found.sort(function (a, b) { return b.copy.at - a.copy.at; });
  }

  function offer() {
    var box = document.getElementById("kept-offer");
    offered = copies()[0] || null;
    box.hidden = !offered;
    if (!offered) return;
    var when = new Date(offered.copy.at).toLocaleString([], {dateStyle: "medium", timeStyle: "short"});
    document.getElementById("kept-when").textContent = "last typed " + when;
    document.getElementById("kept-text").value = offered.copy.text;
  }

  // Put back: the text, and the revision it began from (a save then shows a conflict rather
  // than write over a revision saved since).
  document.getElementById("kept-restore").addEventListener("click", function () {
    area.value = offered.copy.text;
    if (offered.copy.base) form.elements.base_version.value = offered.copy.base;
    localStorage.removeItem(offered.name);
    area.dispatchEvent(new Event("input", {bubbles: true}));
    offer();
    area.focus();
  });
  document.getElementById("kept-discard").addEventListener("click", function () {
    localStorage.removeItem(offered.name);
    offer();
  });
  // Discarding the server's draft discards this page's copy of it too.
  var discard = document.querySelector("#restored form");
  if (discard) discard.addEventListener("submit", function () { localStorage.removeItem(mine); });

  area.addEventListener("input", keep);
  offer();
})();

// When the server refuses the editor's background requests (the session ended, or the CSRF
// token is refused after signing in again in another tab), the page says so at once instead of
// looking saved. It asks who is signed in: the same person again gets the new token and the
// preview (and draft) is sent again; signed out, or someone else, it says what to do.
(function () {
  var form = document.getElementById("editor-form"), area = document.getElementById("text");
  var box = document.getElementById("session-alert"), note = document.getElementById("draft-note");
  if (!form || !area || !box) return;
  var me = document.body.dataset.user, busy = false, retried = false;
  var SIGNED_OUT = "You are signed out: sign in in another tab, then press Save";
  var OFFLINE = "The server cannot be reached: press Save again when the connection is back";
  var REFUSED = "The server refuses this page's requests: your role may no longer allow editing " +
    "it; press Save to see why";

  function other(name) {
    return "This browser is now signed in as " + name + ", not " + me + ": sign in as " + me +
      " in another tab, then press Save";
  }

  function say(text) {
    var kept = area.dataset.kept === "no" ? " — copy your text first: this browser could not keep it."
      : " — your text is kept in this browser.";
    box.textContent = text && text + kept;
    box.hidden = !text;
    note.textContent = text ? "Not saved on the server." : "Drafts are saved as you type.";
  }

  // What is wrong ("" when nothing is: the token is renewed), from GET /session/.
  function check() {
    return fetch(form.dataset.session, {headers: {Accept: "application/json"}, cache: "no-store"})
      .then(function (answer) { if (!answer.ok) throw new Error(answer.status); return answer.json(); })
      .then(function (who) {
        if (!who.user) return SIGNED_OUT;
        if (who.user !== me) return other(who.user);
        renewCsrf(who.csrf);  // site.js
        return "";
      }, function () { return OFFLINE; });
  }

  // Refused: 401 or 403, or sent to the login page (redirected, or told to go there: HX-Redirect,
  // which site.js does not follow on this page, data-keeps-text).
  function refused(xhr) {
    var login = new URL(document.body.dataset.login, window.location.href).pathname;
    var landed = xhr.responseURL ? new URL(xhr.responseURL).pathname : "";
    var sent = xhr.getResponseHeader("HX-Redirect");
    if (sent) landed = new URL(sent, window.location.href).pathname;
    return xhr.status === 401 || xhr.status === 403 || landed === login;
  }

  // A preview that lands on the login page (redirected) is not swapped into the panel.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.elt === area && refused(event.detail.xhr)) event.detail.shouldSwap = false;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== area) return;
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status === 0) return;  // not answered: htmx:sendError says so
    if (!refused(xhr)) { retried = false; if (!box.hidden) say(""); return; }
    if (retried) { say(REFUSED); return; }  // refused with a good session: not a sign-in
    say(SIGNED_OUT);
    check().then(function (wrong) {
      say(wrong);
      retried = !wrong;
      if (!wrong) area.dispatchEvent(new Event("pm-retry"));
    });
  });

  document.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt === area) say(OFFLINE);
  });

  // Save asks first, so a post the server would refuse is never sent: the text stays here.
  // (form.submit() sends it without this event again.)
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    check().then(function (wrong) {
      busy = false;
      say(wrong);
      if (wrong) box.scrollIntoView({block: "nearest"});
      else form.submit();
    });
  });
})();
