// Timeline Followback grid: arrow keys move between days (same substance), Enter moves on,
// and "Copy to empty days" repeats a typical week into every empty, unlocked day of the span.
(function () {
  "use strict";
  var grid = document.getElementById("tlfb-grid");
  if (!grid) { return; }

  function cells() { return Array.prototype.slice.call(grid.querySelectorAll("input.tlfb-cell")); }

  function sameSubstance(input) {
    return cells().filter(function (c) { return c.dataset.substance === input.dataset.substance; });
  }

  function dayOf(input) { return input.closest("td").dataset.day; }

  function findByDay(substance, isoDay) {
    return grid.querySelector("td[data-day='" + isoDay + "'] input.tlfb-cell[data-substance='" + substance + "']");
  }

  function shift(isoDay, days) {
    var d = new Date(isoDay + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("tlfb-cell")) { return; }
    var step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7, Enter: 1 }[event.key];
    if (step === undefined) { return; }
    if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && input.value &&
        input.selectionStart !== null && input.selectionStart !== (event.key === "ArrowLeft" ? 0 : input.value.length)) {
      return;  // let the caret move inside a typed number first
    }
    var day = dayOf(input);
    var target = null;
    // Skip locked (live) days and days outside the span, up to one span's length.
    for (var i = 1; i <= 100 && !target; i++) {
      var next = shift(day, step * i);
      if (!grid.querySelector("td[data-day='" + next + "']")) { break; }
      target = findByDay(input.dataset.substance, next);
    }
    event.preventDefault();
    if (target) { target.focus(); target.select(); }
  });

  grid.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy-week");
    if (!button) { return; }
    var row = button.closest("tr");
    var typical = {};
    row.querySelectorAll("td[data-weekday]").forEach(function (td) {
      td.querySelectorAll("input.tlfb-cell").forEach(function (input) {
        if (input.value.trim() !== "") {
          typical[td.dataset.weekday + "|" + input.dataset.substance] = input.value.trim();
        }
      });
    });
    var filled = 0;
    grid.querySelectorAll("td[data-weekday]").forEach(function (td) {
      if (td.closest("tr") === row) { return; }
      var inputs = td.querySelectorAll("input.tlfb-cell");
      var empty = Array.prototype.every.call(inputs, function (i) { return i.value.trim() === ""; });
      if (!empty) { return; }  // never overwrite what was already typed
      inputs.forEach(function (input) {
        var value = typical[td.dataset.weekday + "|" + input.dataset.substance];
        if (value !== undefined) { input.value = value; filled++; }
      });
    });
    var status = document.getElementById("tlfb-status");
    if (status) { status.textContent = filled + " boxes filled from the week of " + row.querySelector("th span").textContent + ". Check them, then save."; }
  });
}());
