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
