// Diary entry form: the beverage preset fills volume and strength; alcohol-only fields hide
// for other substances. Without JavaScript every field shows and the server applies presets.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var presets = { beer: ["355ml", "5"], wine: ["148ml", "12"], spirits: ["44ml", "40"] };
  var beverage = form.querySelector("[name='beverage']");
  var volume = form.querySelector("[name='volume']");
  var abv = form.querySelector("[name='abv']");
  var unit = form.querySelector("[name='unit']");
  if (beverage && volume && abv) {
    beverage.addEventListener("change", function () {
      var preset = presets[beverage.value];
      if (preset) {
        volume.value = preset[0];
        abv.value = preset[1];
        if (unit) { unit.value = "beverage"; }
      }
    });
  }
  function substance() {
    var checked = form.querySelector("[name='substance']:checked");
    if (checked) { return checked.value; }
    var select = form.querySelector("select[name='substance']");
    return select ? select.value : "";
  }
  function update() {
    var value = substance();
    if (!value) { return; }
    ["beverage", "volume", "abv"].forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      var box = input && (input.closest("details") || input.closest(".field"));
      if (box) { box.hidden = value !== "alcohol"; }
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "substance") { update(); }
  });
  update();
}());
