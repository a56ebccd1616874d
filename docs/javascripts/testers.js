// The For testers page: each checklist's ticks (pass, fail, blocked) become
// the text of a report, one line per step, as the issue form's "Pass or fail
// per step" field asks for it. Other pages have no .tester-report: nothing runs.
(function () {
  function report(box) {
    var id = box.dataset.checklist;
    var lines = ["Checklist: " + box.dataset.name];
    for (var step = 1; step <= Number(box.dataset.steps); step++) {
      var ticked = document.querySelector(
        'input[data-checklist="' + id + '"][data-step="' + step + '"]:checked');
      lines.push(step + ". " + (ticked ? ticked.value : "not done"));
    }
    box.querySelector("textarea").value = lines.join("\n");
  }

  function setUp() {
    document.querySelectorAll(".tester-report").forEach(function (box) {
      report(box);
      box.querySelector("button").addEventListener("click", function () {
        navigator.clipboard.writeText(box.querySelector("textarea").value);
      });
    });
    document.addEventListener("change", function (event) {
      var id = event.target.dataset && event.target.dataset.checklist;
      var box = id && document.querySelector('.tester-report[data-checklist="' + id + '"]');
      if (box) report(box);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
