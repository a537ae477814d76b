// Fills post and country when a recorded official is picked, unless the user typed them already.
(function () {
  "use strict";
  const known = new Map();
  document.querySelectorAll("#officials option").forEach(function (option) {
    known.set(option.value.toLowerCase(), option.dataset);
  });
  ["a", "b"].forEach(function (side) {
    const name = document.getElementById("official_" + side);
    const role = document.getElementById("role_" + side);
    const country = document.getElementById("country_" + side);
    if (!name) return;
    name.addEventListener("change", function () {
      const found = known.get(name.value.trim().toLowerCase());
      if (!found) return;
      if (!role.value && found.role) role.value = found.role;
      if (!country.value && found.country) country.value = found.country;
    });
  });
  // The error summary takes the focus; its links move the focus to the field to correct.
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      const input = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!input) return;
      event.preventDefault();
      (input.closest(".field") || input).scrollIntoView({ block: "center" });
      input.focus({ preventScroll: true });
    });
  }
})();
