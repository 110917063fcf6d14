// Small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const target = document.getElementById(button.dataset.copyTarget);
  if (!target) return;
  const original = button.textContent;
  try {
    const text = "value" in target ? target.value : target.textContent;
    await navigator.clipboard.writeText(text.trim());
    button.textContent = "Copied";
  } catch {
    // Clipboard access needs a secure context; select the text so Ctrl+C works instead.
    if ("select" in target) {
      target.select();
    } else {
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    button.textContent = "Press Ctrl+C";
  }
  setTimeout(() => { button.textContent = original; }, 2000);
});

// A double click sends the create form once; the server also folds repeats into one
// session, this just spares the round trip.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-submit-once]")) return;
  if (form.dataset.submitting === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.submitting = "true";
});
// Coming back with the Back button shows the page as it was left: allow a new submit.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-submit-once]")) {
    delete form.dataset.submitting;
  }
});
