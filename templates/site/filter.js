(function () {
  "use strict";
  var form = document.getElementById("filter");
  if (!form) { return; }
  var text = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  var count = document.getElementById("filter-count");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-status]"));
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  function apply() {
    var words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = status.value;
    var shown = 0;
    rows.forEach(function (row) {
      var hay = row.textContent.toLowerCase();
      var ok = (!wanted || row.getAttribute("data-status") === wanted) &&
        words.every(function (w) { return hay.indexOf(w) !== -1; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = (words.length || wanted) ? shown + " of " + rows.length + " shown on this page" : "";
  }
  text.addEventListener("input", apply);
  status.addEventListener("change", apply);
}());
