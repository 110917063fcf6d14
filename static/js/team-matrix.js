// The team matrix stays true without a reload: ONE request for the page's cells every few
// seconds (not one per cell); the server asks Kapso within the shared budget. Each poll
// sends the tag of the last answer: when nothing changed the server answers an empty 304.
"use strict";

(() => {
  const root = document.getElementById("team-matrix");
  if (!root || !root.dataset.url) return;
  const POLL_MS = 4000;
  const MAX_BACKOFF_MS = 30000;
  const STATES = ["none", "pending", "active", "expiring", "expired"];
  const updated = document.getElementById("matrix-updated");
  let delay = POLL_MS;
  let timer = null;
  let tag = null;

  function showCell(key, cell) {
    const td = document.getElementById(`cell-${key}`);
    if (!td) return;
    for (const s of STATES) td.classList.toggle(`cell-${s}`, s === cell.state);
    const state = td.querySelector(".cell-state");
    const current = state.textContent.trim();
    if (current !== cell.label || (cell.session_url && !state.querySelector("a"))) {
      if (cell.session_url) {
        const a = document.createElement("a");
        a.href = cell.session_url;
        a.textContent = cell.label;
        state.replaceChildren(a);
      } else {
        state.textContent = cell.label;
      }
    }
    const left = td.querySelector(".cell-left");
    if (left.textContent !== cell.left) left.textContent = cell.left;
    const action = td.querySelector(".cell-action");
    if (action && action.textContent !== cell.action) {
      action.textContent = cell.action;
      const button = action.closest("button");
      const label = button.getAttribute("aria-label") || "";
      button.setAttribute("aria-label", label.replace(/^[^:]*:/, `${cell.action}:`));
    }
  }

  async function poll() {
    timer = null;
    if (document.hidden) return;
    try {
      const headers = tag ? { "If-None-Match": tag } : {};
      const response = await fetch(root.dataset.url, {
        credentials: "same-origin",
        cache: "no-store",
        headers,
      });
      if (response.status === 304) {
        delay = POLL_MS;
      } else {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const data = await response.json();
        tag = response.headers.get("ETag");
        for (const [key, cell] of Object.entries(data.cells)) showCell(key, cell);
        delay = data.retry_in ? Math.min(data.retry_in * 1000, MAX_BACKOFF_MS) : POLL_MS;
      }
      root.dataset.updatedAt = new Date().toISOString();
    } catch {
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      if (updated) updated.textContent = "The dashboard cannot be reached; trying again.";
    }
    if (timer === null) timer = setTimeout(poll, delay);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && timer === null) timer = setTimeout(poll, 0);
  });
  timer = setTimeout(poll, POLL_MS);
})();
