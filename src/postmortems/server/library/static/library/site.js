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
