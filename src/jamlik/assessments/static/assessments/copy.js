// Copy buttons beside respondent links: shown only when the clipboard can be used; without
// JavaScript the link stays in a read-only field that can be selected and copied.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  var script = document.currentScript;
  var copied = (script && script.dataset.copied) || "Copied.";
  var status = document.getElementById("copy-status");
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      if (!field) return;
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = copied;
      });
    });
  });
})();
