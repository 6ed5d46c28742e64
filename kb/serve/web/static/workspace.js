// accords workspace: small progressive enhancements; every page works without this file.
"use strict";

// The clause a link points at (#s1.14): marked, focused for screen readers, and brought into view.
function showTarget() {
  let id = "";
  try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }  // a malformed link
  if (!id) return;
  const clause = document.getElementById(id);
  if (!clause || !clause.classList.contains("clause")) return;
  document.querySelectorAll(".clause.arrived").forEach((el) => el.classList.remove("arrived"));
  clause.classList.add("arrived");
  clause.focus({ preventScroll: true });
  clause.scrollIntoView({ block: "center" });
}

// Ticking a facet applies it at once (the Apply button stays for keyboard users who prefer it).
function autoSubmitFacets() {
  const form = document.getElementById("search-form");
  if (!form) return;
  form.querySelectorAll(".facet input[type=checkbox]").forEach((box) =>
    box.addEventListener("change", () => form.requestSubmit()));
}

// The compare picker says how many are chosen and refuses more than six.
function limitPicks() {
  const form = document.getElementById("compare-form");
  if (!form) return;
  const boxes = [...form.querySelectorAll("input[name=doc]")];
  const status = form.querySelector(".pick-status");
  const button = form.querySelector("button[type=submit]");
  const update = () => {
    const n = boxes.filter((b) => b.checked).length;
    boxes.forEach((b) => { b.disabled = !b.checked && n >= 6; });
    button.disabled = n < 2;
    status.textContent = n < 2 ? `${n} chosen; pick at least 2` : `${n} chosen`;
  };
  boxes.forEach((b) => b.addEventListener("change", update));
  update();
}

// The report frame grows to its content, so the page scrolls as one.
function fitReport() {
  const frame = document.getElementById("report-frame");
  if (!frame) return;
  const fit = () => {
    try { frame.style.height = frame.contentDocument.documentElement.scrollHeight + 24 + "px"; } catch (e) { /* not loaded */ }
  };
  frame.addEventListener("load", fit);
}

document.addEventListener("DOMContentLoaded", () => {
  showTarget();
  autoSubmitFacets();
  limitPicks();
  fitReport();
});
window.addEventListener("hashchange", showTarget);
