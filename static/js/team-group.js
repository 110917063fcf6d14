// The group page shows joins as they happen: ONE request for the members every few seconds;
// the server asks Kapso about a few pending sessions within the shared budget.
"use strict";

(() => {
  const table = document.getElementById("group-feed");
  if (!table || !table.dataset.url) return;
  const POLL_MS = 4000;
  const MAX_BACKOFF_MS = 30000;
  const rows = document.getElementById("feed-rows");
  const updated = document.getElementById("feed-updated");
  const state = document.getElementById("link-state");
  let delay = POLL_MS;
  let timer = null;

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function show(data) {
    const trs = data.members.map((m) => {
      const tr = document.createElement("tr");
      tr.append(
        cell(m.name), cell(m.phone), cell(m.added_at), cell(m.joined ? "joined" : "added"),
        cell(m.activated ? "activated" : m.status),
      );
      return tr;
    });
    if (trs.length === 0) {
      const tr = document.createElement("tr");
      const td = cell("Nobody yet.");
      td.colSpan = 5;
      tr.append(td);
      trs.push(tr);
    }
    rows.replaceChildren(...trs);
    if (state && state.dataset.state === "open") {
      state.textContent = `Open: ${data.joined_count} of ${data.cap} places taken.`;
    }
    table.dataset.updatedAt = new Date().toISOString();
  }

  async function poll() {
    timer = null;
    if (document.hidden) return;
    try {
      const response = await fetch(table.dataset.url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      show(data);
      delay = data.retry_in ? Math.min(data.retry_in * 1000, MAX_BACKOFF_MS) : POLL_MS;
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
