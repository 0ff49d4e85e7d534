// Progressive enhancement only: every page works without this script (a file picker and
// buttons). With it: files dropped on the drop zone are sent at once, a busy form shows a
// progress bar (filled from the desk's progress address where it has one, else
// indeterminate) and cannot be sent twice, and a department's findings open on click instead
// of being listed under every row.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function busy(form) {
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    form.querySelectorAll("progress, .busy-text").forEach(function (e) { e.hidden = false; });
    form.querySelectorAll("progress[data-poll]").forEach(poll);
  }

  // While the form's request runs, ask the desk how far it is (once the library reports
  // progress: until then the bar stays indeterminate) and show "done / total".
  function poll(bar) {
    var text = bar.parentNode.querySelector(".progress-text");
    function ask() {
      fetch(bar.getAttribute("data-poll"), {credentials: "same-origin", cache: "no-store"})
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (state.total) {
            bar.max = state.total;
            bar.value = state.done;
            if (text) {
              text.hidden = false;
              text.textContent = text.getAttribute("data-format")
                .replace("{done}", state.done).replace("{total}", state.total);
            }
          }
        })
        .catch(function () {})
        .finally(function () { window.setTimeout(ask, 700); });
    }
    window.setTimeout(ask, 300);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.busy-form").forEach(function (form) {
      form.addEventListener("submit", function () { busy(form); });
    });

    document.querySelectorAll("form.drop-form").forEach(function (form) {
      var zone = form.querySelector(".drop-zone");
      var input = form.querySelector("input[type=file]");
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (e) {
          e.preventDefault();
          zone.classList.add("over");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function () { zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (e) {
        e.preventDefault();
        if (!e.dataTransfer || !e.dataTransfer.files.length) { return; }
        input.files = e.dataTransfer.files;
        busy(form);
        form.submit();
      });
    });

    document.querySelectorAll("button.toggle").forEach(function (button) {
      button.addEventListener("click", function () {
        var row = document.getElementById(button.getAttribute("aria-controls"));
        var open = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", open ? "true" : "false");
        row.classList.toggle("open", open);
      });
    });
  });
}());
