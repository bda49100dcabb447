// The allocation form's organisation tree: a search field that hides the organisations
// whose name does not match (an organisation stays visible while one below it matches, so
// a match is shown in its place in the hierarchy) and says in a live region how many match.
// Progressive enhancement: without this file the whole tree is shown and the form works the
// same; hidden checkboxes keep their state and are posted as before.
(function () {
  "use strict";

  function setUp(tree) {
    var search = tree.querySelector("[data-org-search]");
    if (!search) {
      return;
    }
    var input = search.querySelector("input[type=search]");
    var status = search.querySelector("[role=status]");
    var items = Array.prototype.slice.call(tree.querySelectorAll("li[data-org-name]"));
    var timer = null;

    function say(count, query) {
      var text;
      if (!query) {
        text = status.getAttribute("data-all");
        count = items.length;
      } else if (count === 0) {
        text = status.getAttribute("data-none");
      } else if (count === 1) {
        text = status.getAttribute("data-one");
      } else {
        text = status.getAttribute("data-many");
      }
      status.textContent = text.replace("%(n)s", String(count));
    }

    function filter() {
      var query = input.value.trim().toLocaleLowerCase("sv");
      var matches = 0;
      // Children come after their parent in document order: walking backwards decides
      // each item after everything below it.
      for (var i = items.length - 1; i >= 0; i--) {
        var item = items[i];
        var own = !query || item.getAttribute("data-org-name").indexOf(query) !== -1;
        if (query && own) {
          matches++;
        }
        var below = false;
        var children = item.querySelectorAll(":scope > ul > li");
        for (var j = 0; j < children.length; j++) {
          if (!children[j].hidden) {
            below = true;
            break;
          }
        }
        item.hidden = !(own || below);
      }
      say(matches, query);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      // Announce once the typing pauses, not at every key.
      timer = window.setTimeout(filter, 250);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter in the search field filters; it must not send the form.
        event.preventDefault();
        window.clearTimeout(timer);
        filter();
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        window.clearTimeout(timer);
        filter();
      }
    });
    search.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var trees = document.querySelectorAll("[data-org-tree]");
    for (var i = 0; i < trees.length; i++) {
      setUp(trees[i]);
    }
  });
})();
