// Every page: a form with data-confirm asks before it is sent (no inline handlers: see the CSP).
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// An action item's owner is chosen from the accounts (a datalist); a name that is no account
// is allowed, but said so, with the closest accounts offered to link the item to a person.
document.addEventListener("input", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[data-accounts]")) return;
  var note = input.form && input.form.querySelector("[data-owner-note]");
  var list = document.getElementById(input.getAttribute("list"));
  if (!note || !list) return;
  var name = input.value.trim().replace(/^@/, "");
  var names = Array.prototype.map.call(list.options, function (o) { return o.value; });
  if (!name || names.indexOf(name) >= 0) { note.hidden = true; return; }
  var close = names.filter(function (n) { return n.indexOf(name.slice(0, 2).toLowerCase()) === 0; });
  note.textContent = "No account is called “" + name + "”: the item will not show in anyone's inbox." +
    (close.length ? " Link it to " + close.slice(0, 3).join(", ") + "?" : " Pick an account from the list to link it.");
  note.hidden = false;
});

// Review comments sit beside the section they are about: each thread of the review panel that
// names a line (where that line is now, after edits above it) or a section moves into a margin
// column of that section of the rendered text (under it on a phone). The stored page says where
// each section starts in the source (data-line) and its title as written (data-title).
function sectionFor(thread, sections) {
  var line = parseInt(thread.dataset.anchorLine || "", 10);
  var title = thread.dataset.anchorSection;
  var found = null;
  sections.forEach(function (s) {
    if (line ? parseInt(s.dataset.line, 10) <= line : s.dataset.title === title) found = s;
  });
  return found;
}

function placeNotes(swapped) {
  var doc = document.querySelector("article.doc");
  var threads = document.querySelectorAll(".workflow .thread[data-anchor-line], .workflow .thread[data-anchor-section]");
  if (!doc || !threads.length) return;
  var sections = Array.prototype.slice.call(doc.querySelectorAll("section.pm-section[data-line]"));
  Array.prototype.forEach.call(threads, function (thread) {
    var section = sectionFor(thread, sections);
    if (!section) return;  // before the first section (the front matter): it stays in the panel
    var notes = section.querySelector(":scope > aside.notes");
    if (!notes) {
      var text = document.createElement("div");
      text.className = "section-text";
      while (section.firstChild) text.appendChild(section.firstChild);
      notes = document.createElement("aside");
      notes.className = "notes";
      notes.setAttribute("aria-label", "Review comments on this section");
      section.appendChild(text);
      section.appendChild(notes);
      section.classList.add("has-notes");
    }
    notes.appendChild(thread);
  });
  var placed = !!doc.querySelector("aside.notes");
  doc.classList.toggle("with-notes", placed);
  var hint = document.querySelector(".workflow [data-notes-hint]");
  if (hint) hint.hidden = !placed;
  // A page opened at a thread (a comment just posted: #thread-12) shows it where it now is: the
  // browser may have scrolled to where it stood in the panel before it moved.
  var target = window.location.hash && !swapped ? document.getElementById(window.location.hash.slice(1)) : null;
  if (target && target.closest("aside.notes")) target.scrollIntoView();
}

// What a post from the review panel did or why it was refused, said beside the form it came
// from (workflow/panel.said_here), takes the focus: a screen reader reads it out.
function focusSaid() {
  var said = document.querySelector("[data-said-here]");
  if (said) said.focus();
}
function pageReady() { placeNotes(); focusSaid(); }
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", pageReady);
else pageReady();

// The review panel's comment and action-item forms post through htmx, which takes the panel
// (#workflow) from the page the post goes back to and puts it in place of this one (hx-select):
// the rest of the page stays as it is. Around the swap, the threads placed beside the text are
// taken back (the new panel holds them all) and placed again; words typed in the panel's other
// forms (data-keep) stay; the text's action-item table and the head's line (its revision) take
// what the new page shows.
var panelSwap = null;
function panelForms() {
  return document.querySelectorAll("#workflow form[data-keep], article.doc aside.notes form[data-keep]");
}
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  if (!target || target.id !== "workflow" || event.detail.shouldSwap === false) return;
  var sent = event.detail.requestConfig ? event.detail.requestConfig.elt : null;
  var typed = {};
  panelForms().forEach(function (form) {
    if (form === sent) return;  // what it sent is done, or kept by the server with its refusal
    form.querySelectorAll("[data-typed]").forEach(function (field) {
      if (field.value !== field.defaultValue) typed[form.dataset.keep + " " + field.name] = field.value;
    });
  });
  var page = new DOMParser().parseFromString(event.detail.serverResponse || "", "text/html");
  panelSwap = {typed: typed, tables: page.querySelectorAll("article.doc table.pm-actions"),
               meta: page.querySelector(".pm-head .meta")};
  document.querySelectorAll("article.doc aside.notes .thread").forEach(function (t) { t.remove(); });
});
document.addEventListener("htmx:afterSettle", function () {
  var swap = panelSwap;
  panelSwap = null;
  if (!swap) return;
  placeNotes(true);
  panelForms().forEach(function (form) {
    Array.prototype.forEach.call(form.elements, function (field) {
      var words = swap.typed[form.dataset.keep + " " + field.name];
      if (words === undefined || field.value) return;
      field.value = words;
      field.setAttribute("data-typed", "");
      var fold = field.closest("details");  // an item's Edit item: open, the words in sight
      if (fold) fold.open = true;
    });
  });
  var tables = document.querySelectorAll("article.doc table.pm-actions");
  if (tables.length === swap.tables.length) {
    tables.forEach(function (table, n) { table.replaceWith(document.importNode(swap.tables[n], true)); });
  }
  var meta = document.querySelector(".pm-head .meta");
  if (meta && swap.meta) meta.replaceWith(document.importNode(swap.meta, true));
  focusSaid();
  // The address names where it was said, as the page without JavaScript opens at: the thread or
  // the item, or the refusal (a link to it, a reload, opens there).
  var said = document.querySelector("[data-said-here]");
  var place = said && (said.matches(".said-here") ? said.parentElement.closest("[id]") : said);
  if (place) history.replaceState(history.state, "", "#" + place.id);
});
// A post of the panel's forms the server cannot read (an owner that is no user name, a ticket
// link that is no web address) answers 400 saying why, which htmx does not show: it is said
// beside the form, an alert, and what was typed stays in it.
document.addEventListener("htmx:responseError", function (event) {
  var xhr = event.detail.xhr, form = event.detail.elt;
  if (xhr.status !== 400 || !form || !form.closest("#workflow, .thread, .item")) return;
  var said = form.querySelector(".field-error.refused") || document.createElement("p");
  said.className = "field-error refused";
  said.setAttribute("role", "alert");
  said.setAttribute("tabindex", "-1");
  said.textContent = xhr.responseText.trim().replace(/^bad request: /, "");
  form.appendChild(said);
  said.focus();
});

// The menu (and a row of tabs) marks the page you are on: the link whose address is the longest
// start of this page's. The library's link (the site's root, every page's start) marks the list
// and a postmortem's page only: a page of no menu entry (the password's) marks none.
function markCurrent() {
  var brand = document.querySelector("header .brand");
  var root = brand ? new URL(brand.href, window.location.href).pathname : "/";
  document.querySelectorAll("header nav[aria-label], nav.tabs").forEach(function (nav) {
    var here = window.location.pathname, best = null, length = -1;
    nav.querySelectorAll("a[href]").forEach(function (link) {
      var path = new URL(link.href, window.location.href).pathname;
      var under = path === root ? here.indexOf(root + "p/") === 0 : here.indexOf(path) === 0;
      var fits = path === here || (path.slice(-1) === "/" && under);
      if (fits && path.length > length) { best = link; length = path.length; }
    });
    if (!best) return;
    best.setAttribute("aria-current", "page");
  });
}
markCurrent();

// A phone's menu (the header's Menu, a <details>) closes on Escape pressed in the header, the
// focus back on its button, as a menu button's does.
document.addEventListener("keydown", function (event) {
  var menu = document.querySelector("header .menu-toggle[open]");
  if (event.key !== "Escape" || !menu || !event.target.closest("header")) return;
  menu.open = false;
  menu.querySelector("summary").focus();
});

// When htmx replaces a region holding the focus (a factor confirmed, a live incident's update),
// the focus goes back to the same row (data-focus-key) of the new region, else to the region,
// instead of falling to the page's top. Another region's swap in between (a panel the page
// loads after itself) leaves it as it is.
var focusLost = null;
document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target, active = document.activeElement;
  if (event.detail.shouldSwap === false) return;
  if (!target || !active || active === document.body || !target.contains(active)) return;
  var row = active.closest("[data-focus-key]");
  focusLost = { id: target.id, key: row ? row.dataset.focusKey : null, name: active.textContent };
});
document.addEventListener("htmx:afterSettle", function () {
  var lost = focusLost;
  focusLost = null;
  if (!lost || !lost.id || (document.activeElement && document.activeElement !== document.body)) return;
  var region = document.getElementById(lost.id);
  if (!region) return;
  var row = lost.key && region.querySelector('[data-focus-key="' + CSS.escape(lost.key) + '"]');
  var controls = row ? row.querySelectorAll("button, a[href], input, select, textarea") : [];
  var next = Array.prototype.find.call(controls, function (c) { return c.textContent === lost.name; }) ||
    controls[0];
  if (!next) { region.setAttribute("tabindex", "-1"); next = region; }
  next.focus({ preventScroll: true });
});

// A reviewer comments on a passage by selecting it in the rendered text: a button by the
// selection fills the comment form with its section and the passage, whose line in the source
// the server finds. Typing words into Passage does the same without a mouse (the section's
// heading is then where the server starts looking); the Line field stays for those who know it.
(function () {
  var doc = document.querySelector("article.doc");
  function commentForm() { return document.querySelector(".workflow form.new-comment"); }
  if (!doc || !commentForm() || !commentForm().elements.quote) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "quote-comment";
  button.textContent = "Comment on this";
  button.hidden = true;
  document.body.appendChild(button);
  var picked = null;

  function offer() {
    var selection = window.getSelection();
    var text = selection && !selection.isCollapsed ? selection.toString().trim() : "";
    var node = text ? selection.anchorNode : null;
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var section = element && doc.contains(element) ? element.closest("section.pm-section[data-line]") : null;
    picked = section ? { text: text.slice(0, 1000), section: section } : null;
    button.hidden = !picked;
    if (!picked) return;
    var box = selection.getRangeAt(0).getBoundingClientRect();
    button.style.top = (window.scrollY + box.bottom + 6) + "px";
    button.style.left = Math.max(8, window.scrollX + box.left) + "px";
  }
  doc.addEventListener("mouseup", function () { window.setTimeout(offer, 0); });
  doc.addEventListener("keyup", function (event) { if (event.shiftKey) offer(); });
  // A selection made by touch fires neither: only selectionchange, many times while the
  // handles move, so the button follows once they rest.
  var resting = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(resting);
    resting = window.setTimeout(offer, 300);
  });
  button.addEventListener("click", function () {
    var form = commentForm();
    if (!picked || !form) return;
    form.elements.quote.value = picked.text;
    form.elements.quote_line.value = picked.section.dataset.line;
    form.elements.line.value = "";
    var title = picked.section.dataset.title, select = form.elements.section;
    if (Array.prototype.some.call(select.options, function (o) { return o.value === title; })) select.value = title;
    var said = form.querySelector(".quoted");
    var short = picked.text.length > 80 ? picked.text.slice(0, 80) + "…" : picked.text;
    said.textContent = "On “" + short.replace(/\s+/g, " ") + "” in " + title;
    said.hidden = false;
    button.hidden = true;
    form.elements.text.focus();
  });
  document.addEventListener("input", function (event) {  // typed: no longer the selection
    var form = event.target.form;
    if (event.target.name !== "quote" || !form || form !== commentForm()) return;
    form.elements.quote_line.value = "";
    form.querySelector(".quoted").hidden = true;
  });
})();

// A live incident's timeline (#live, which htmx polls and replaces): screen readers hear what a
// poll brought in #live-status ("2 new timeline entries; 1 entry marked as a key moment"), the
// marks someone else changed included, not the whole region again.
var liveRows = null, liveMarks = {key: "as a key moment", misleading: "misleading"};
document.addEventListener("htmx:beforeSwap", function (event) {
  var live = event.detail.target;
  if (!live || live.id !== "live") return;
  liveRows = {};
  Array.prototype.forEach.call(live.querySelectorAll("tr.event[id]"), function (r) {
    liveRows[r.id] = {key: r.classList.contains("key"), misleading: r.classList.contains("misleading")};
  });
});
function liveNews(before, rows) {
  var added = 0, changed = {}, said = [];
  Array.prototype.forEach.call(rows, function (r) {
    var was = before[r.id];
    if (!was) { added += 1; return; }
    Object.keys(liveMarks).forEach(function (mark) {
      var now = r.classList.contains(mark);
      if (now === was[mark]) return;
      var words = (now ? "marked " : "unmarked ") + liveMarks[mark];
      changed[words] = (changed[words] || 0) + 1;
    });
  });
  if (added) said.push(added + " new timeline " + (added === 1 ? "entry" : "entries"));
  Object.keys(changed).forEach(function (words) {
    said.push(changed[words] + (changed[words] === 1 ? " entry " : " entries ") + words);
  });
  return said.join("; ");
}
document.addEventListener("htmx:afterSettle", function () {
  var live = document.getElementById("live"), status = document.getElementById("live-status");
  var before = liveRows;
  if (!live || !status || !before) return;
  liveRows = null;
  var news = liveNews(before, live.querySelectorAll("tr.event[id]"));
  if (!news) return;
  status.textContent = "";  // the same words again are news again: emptied first, then said
  window.setTimeout(function () { status.textContent = news; }, 100);
});

// While someone corrects or redacts an entry in place (an open form of #live), the live
// timeline is not redrawn under them: the poll waits until the form is closed or sent.
document.addEventListener("htmx:beforeRequest", function (event) {
  var live = event.detail.elt;
  if (live && live.id === "live" && live.querySelector("details.entry-form[open]")) event.preventDefault();
});

// The texts the editor keeps in this browser (editor.js: localStorage, as
// "pm-editor:<user>:<postmortem>:<editor page>") are forgotten once they are of no use or
// should not be found: the page a save went through from (the server names it in the pm_saved
// cookie), every one on log-out, another person's when someone signs in here (a shared
// computer: the editor offers a person only their own, and nobody else's stays to be read), and
// any typed into more than KEPT_DAYS days ago.
var KEPT_DAYS = 14;
function forgetKept(drop) {
  try {
    Object.keys(localStorage).forEach(function (name) {
      if (name.indexOf("pm-editor:") !== 0) return;
      var copy = null;
      try { copy = JSON.parse(localStorage.getItem(name)); } catch (e) { /* unreadable: old */ }
      if (drop(name.split(":"), copy || {})) localStorage.removeItem(name);
    });
  } catch (e) { /* no storage: nothing was kept */ }
}
(function () {
  var saved = /(?:^|;\s*)pm_saved=([0-9a-f]+)/.exec(document.cookie);
  var me = document.body.dataset.user, oldest = Date.now() - KEPT_DAYS * 864e5;
  forgetKept(function (parts, copy) {
    return (saved && parts[parts.length - 1] === saved[1]) ||
      (me !== undefined && parts[1] !== me) || !(copy.at >= oldest);
  });
})();
document.addEventListener("submit", function (event) {
  if (!event.target.hasAttribute || !event.target.hasAttribute("data-forget-kept")) return;
  forgetKept(function () { return true; });
});

// A background request (htmx) of someone whose session ended is answered with HX-Redirect to the
// login page, which takes the browser there and back to this page after signing in. A page that
// holds words typed and not yet sent (a note begun, the editor's text) stays instead: they would
// be lost. It says so, and the person signs in in another tab and sends them; the editor
// (data-keeps-text) says it in its own words, as it says its refusals.
document.addEventListener("input", function (event) {
  var field = event.target;  // words typed (a choice picked in a list is soon picked again)
  if (event.isTrusted && field.form && field.matches("textarea, input")) field.setAttribute("data-typed", "");
});
function holdsTyping() {
  if (document.querySelector("[data-keeps-text]")) return true;
  return Array.prototype.some.call(document.querySelectorAll("form [data-typed]"), function (field) {
    return field.value !== field.defaultValue;
  });
}
function toLogin(xhr) {
  var to = xhr.getResponseHeader("HX-Redirect"), login = document.body.dataset.login;
  return !!to && !!login &&
    new URL(to, window.location.href).pathname === new URL(login, window.location.href).pathname;
}
// What a background request met, said at the top of the page; its kind says what (a signed-out
// note goes once the page's requests are answered again).
function pageAlert(kind, text) {
  if (document.querySelector("[data-keeps-text]")) return;
  var said = document.getElementById("page-alert");
  if (!said) {
    said = document.createElement("p");
    said.id = "page-alert";
    said.className = "error session-alert";
    said.setAttribute("role", "alert");
    document.getElementById("content").prepend(said);
  }
  said.dataset.kind = kind;
  said.textContent = text;
}
document.addEventListener("htmx:beforeOnLoad", function (event) {
  if (!toLogin(event.detail.xhr) || !holdsTyping()) return;
  event.preventDefault();
  pageAlert("signed-out", "You are signed out: sign in in another tab before you send what you " +
    "typed here (it is still on this page).");
});
// A request the role does not allow answers 403 with why, which htmx does not show by itself.
document.addEventListener("htmx:responseError", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status !== 403 || !/^text\/plain/.test(xhr.getResponseHeader("Content-Type") || "")) return;
  pageAlert("refused", xhr.responseText.trim());
});
// A new CSRF token for the page's forms and its htmx requests (the editor's too).
function renewCsrf(token) {
  document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) { input.value = token; });
  document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRFToken": token}));
}
// Signed in again (in another tab), the page's requests are answered again: the note goes, and
// the page takes the new session's CSRF token (GET /session/), so that what was typed is sent
// rather than refused as older than the sign-in — when the same person signed in.
document.addEventListener("htmx:afterRequest", function (event) {
  var said = document.getElementById("page-alert");
  if (!said || said.dataset.kind !== "signed-out" || !event.detail.successful || toLogin(event.detail.xhr)) return;
  said.remove();
  fetch(document.body.dataset.session, {headers: {Accept: "application/json"}, cache: "no-store"})
    .then(function (answer) { return answer.ok ? answer.json() : {}; })
    .then(function (who) {
      if (who.user && who.user === document.body.dataset.user) renewCsrf(who.csrf);
    }, function () { /* offline: the stale-token page shows the text back */ });
});

// The library's filters are open on a wide screen (the page folds them for a phone); the mark
// lets the stylesheet drop the summary there, which a reader without this script opens them by.
(function () {
  if (!window.matchMedia("(min-width: 50.01rem)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (box) {
    box.open = true;
    box.setAttribute("data-wide", "");
  });
})();
