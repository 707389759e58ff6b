// Registration form: a static file so pages can forbid inline scripts (CSP).
// 采用: copy a suggested value into the form's select (a <button>, so Enter/Space work too).
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-adopt-select]");
  if (!b) return;
  var sel = document.getElementById(b.getAttribute("data-adopt-select"));
  if (!sel) return;
  sel.value = b.getAttribute("data-adopt-value");
  sel.dispatchEvent(new Event("change", {bubbles: true}));
  sel.focus();
});
