// Progressive enhancement only: every page works without this script (a file picker and
// buttons). With it: files dropped on the drop zone are sent at once, a busy form shows a
// progress bar (filled from the desk's progress address where it has one, else
// indeterminate) and cannot be sent twice, and a department's findings open on click instead
// of being listed under every row; a selection over the desk's limits (bytes or files in one
// request) is refused before it is sent, the page's notice saying why — the desk would refuse
// it too, but a browser still sending a large file often shows a reset connection instead of
// the desk's answer.
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

  // After 集約 the published report's PDF and Word file are drawn in the background: while
  // the page says they are being made, ask the desk every second, and show the page again
  // (with their links) once they are done. Without this script the page says to reload it.
  document.querySelectorAll("[data-drawing-poll]").forEach(function (list) {
    function ask() {
      fetch(list.getAttribute("data-drawing-poll"), {credentials: "same-origin", cache: "no-store"})
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (state.drawing === false) { window.location.reload(); } else { window.setTimeout(ask, 1000); }
        })
        .catch(function () { window.setTimeout(ask, 3000); });
    }
    window.setTimeout(ask, 1000);
  });

  // The request's body is the files and, per file, a part's headers (its name, its type):
  // counted generously, so that a selection this lets through is not over the limit.
  var PART_BYTES = 1024;

  // Whether the files chosen in the form are over its limits (data-max-bytes,
  // data-max-files); if so the notice for that limit is shown.
  function tooMuch(form) {
    var maxBytes = Number(form.getAttribute("data-max-bytes"));
    var maxFiles = Number(form.getAttribute("data-max-files"));
    form.querySelectorAll(".too-much").forEach(function (n) { n.hidden = true; });
    if (!maxBytes || !maxFiles) { return false; }
    var count = 0;
    var bytes = PART_BYTES;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        count += 1;
        bytes += file.size + PART_BYTES;
      });
    });
    var over = count > maxFiles ? "files" : bytes > maxBytes ? "bytes" : "";
    if (!over) { return false; }
    var notice = form.querySelector(".too-much[data-limit='" + over + "']");
    if (notice) { notice.hidden = false; }
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.busy-form").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (tooMuch(form)) {
          e.preventDefault();
          return;
        }
        busy(form);
      });
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
        if (tooMuch(form)) { return; }
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
