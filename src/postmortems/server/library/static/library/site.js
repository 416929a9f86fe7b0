// Every page: a form with data-confirm asks before it is sent (no inline handlers: see the CSP).
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
