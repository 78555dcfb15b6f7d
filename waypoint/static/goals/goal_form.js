// Show only the fields that belong to the chosen kind of goal (all fields show without JS).
(function () {
  "use strict";
  var form = document.getElementById("goal-form");
  if (!form) { return; }
  var groups = {
    safer_use: ["practices", "practices_other"],
    moderation: ["limit_unit", "max_per_occasion", "max_per_day", "max_use_days_per_week", "no_use_situations"]
  };
  function fieldBox(name) {
    var input = form.querySelector("[name='" + name + "']");
    return input ? input.closest(".field") : null;
  }
  function update() {
    var checked = form.querySelector("input[name='kind']:checked");
    if (!checked) { return; }  // nothing chosen yet: show everything, choose nothing for them
    Object.keys(groups).forEach(function (kind) {
      groups[kind].forEach(function (name) {
        var box = fieldBox(name);
        if (box) { box.hidden = checked.value !== kind; }
      });
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") { update(); }
  });
  update();
}());
