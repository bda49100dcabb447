// A form sent back with errors: move focus to its error summary and bring it into view
// (the GOV.UK pattern), so that on a phone the errors are not 1,800 px below the top.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  summary.focus({ preventScroll: true });
  summary.scrollIntoView({ block: "start" });
});
