// CSV import: upload with a progress bar, then "validating N rows…" while the server checks the file.
// Without JavaScript (or XMLHttpRequest) the form posts as usual and the server's page is shown.
(function () {
  "use strict";
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;

  // Rows of CSV text: line ends outside quoted cells, less the header line.
  function countRows(text) {
    let rows = 0;
    let quoted = false;
    let blank = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) quoted = !quoted; // "
      if (c === 10 && !quoted) {
        if (!blank) rows++;
        blank = true;
      } else if (c !== 13) {
        blank = false;
      }
    }
    if (!blank) rows++;
    return Math.max(rows - 1, 0);
  }

  function plural(n, word) {
    return n.toLocaleString() + " " + word + (n === 1 ? "" : "s");
  }

  // Show the server's page: its <main> replaces ours (the URL stays /import, as after a form post).
  function show(doc) {
    const main = doc && doc.querySelector("main");
    if (!main) return false;
    document.title = doc.title;
    document.querySelector("main").replaceWith(document.importNode(main, true));
    const target = document.getElementById("error-summary") || document.querySelector("main h1");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
    window.scrollTo(0, 0);
    return true;
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload")) return;
    const input = form.querySelector("input[type=file]");
    const file = input && input.files && input.files[0];
    if (!file) return; // the server names the missing file
    const status = form.querySelector("#import-status");
    const box = form.querySelector("#import-progress");
    const bar = form.querySelector("#upload-progress");
    const label = form.querySelector("#upload-progress-label");
    const button = form.querySelector("button[type=submit]");
    const maxBytes = Number(form.dataset.maxBytes || 0);
    event.preventDefault();

    if (maxBytes && file.size > maxBytes) {
      status.textContent = file.name + " is larger than the " + form.dataset.maxLabel +
        " limit: split it and import the parts one by one.";
      return;
    }

    let rows = null;
    let validating = false;
    function showValidating() {
      validating = true;
      bar.removeAttribute("value"); // indeterminate while the server checks
      label.textContent = "Validating";
      status.textContent = rows === null ? "Validating rows…" : "Validating " + plural(rows, "row") + "…";
    }
    if (file.text) {
      file.text().then(function (text) {
        rows = countRows(text);
        if (validating) showValidating();
      }, function () {});
    }

    box.hidden = false;
    bar.value = 0;
    label.textContent = "Uploading";
    status.textContent = "Uploading " + file.name + "…";
    button.disabled = true;

    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "document";
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || validating) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      status.textContent = "Uploading " + file.name + ": " + percent + "%";
    });
    xhr.upload.addEventListener("load", showValidating);
    xhr.addEventListener("load", function () {
      if (!show(xhr.response)) {
        failed("The server answered with status " + xhr.status + ".");
      }
    });
    xhr.addEventListener("error", function () {
      failed("The upload stopped: the connection closed.");
    });
    function failed(message) {
      box.hidden = true;
      button.disabled = false;
      status.textContent = message + " Nothing was imported; try again.";
    }
    xhr.send(new FormData(form));
  });
})();
