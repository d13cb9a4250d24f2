// Filters of the sample: an article shows when it matches every filter set; with a category or
// rule chosen, removed lines of other categories or rules are hidden too.
(function () {
  "use strict";
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var chips = Array.prototype.slice.call(document.querySelectorAll(".chip[data-cat]"));
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var shown = document.getElementById("shown");

  function value(name) {
    var select = document.getElementById("filter-" + name);
    return select ? select.value : "";
  }

  function words(text) {
    return text ? text.split(" ") : [];
  }

  function apply() {
    var cat = value("cat"), rule = value("rule"), source = value("source"), lang = value("lang");
    var count = 0;
    docs.forEach(function (doc) {
      var visible = (!cat || words(doc.dataset.cats).indexOf(cat) >= 0) &&
        (!rule || words(doc.dataset.rules).indexOf(rule) >= 0) &&
        (!source || doc.dataset.source === source) &&
        (!lang || doc.dataset.lang === lang);
      doc.hidden = !visible;
      if (visible) { count += 1; }
      Array.prototype.forEach.call(doc.querySelectorAll("del.rm"), function (line) {
        line.hidden = Boolean((cat && line.dataset.cat !== cat) || (rule && line.dataset.rule !== rule));
      });
      // A line that was removed whole disappears with its removal, number and all.
      Array.prototype.forEach.call(doc.querySelectorAll("li.removed"), function (item) {
        item.hidden = item.querySelectorAll("del.rm:not([hidden])").length === 0;
      });
    });
    chips.forEach(function (chip) { chip.classList.toggle("on", chip.dataset.cat === cat); });
    if (shown) { shown.textContent = count + " of " + docs.length + " articles shown"; }
  }

  selects.forEach(function (select) { select.addEventListener("change", apply); });
  chips.forEach(function (chip) {
    chip.addEventListener("click", function () {
      var select = document.getElementById("filter-cat");
      select.value = select.value === chip.dataset.cat ? "" : chip.dataset.cat;
      apply();
    });
  });
  var reset = document.getElementById("filter-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      selects.forEach(function (select) { select.value = ""; });
      apply();
    });
  }
  apply();
})();
