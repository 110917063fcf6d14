// Keeps the session page true without a reload: polls the status endpoint while the
// session may still change, stops once it is active or expired, and pauses while the
// tab is hidden. The server throttles calls to Kapso, so many open tabs cost nothing.
"use strict";

(() => {
  const root = document.getElementById("live-status");
  if (!root || !root.dataset.statusUrl) return;

  const POLL_MS = 3000;
  const MAX_BACKOFF_MS = 30000;
  const badge = document.getElementById("session-status");
  const box = document.getElementById("status-box");
  const headline = document.getElementById("status-headline");
  const detail = document.getElementById("status-detail");
  const errorLine = document.getElementById("status-error");
  const countdown = document.getElementById("countdown");
  let final = root.dataset.final === "true";
  let delay = POLL_MS;
  let timer = null;
  let inFlight = false; // one request at a time: a late answer never overwrites a newer one
  let expiryChecked = false;

  function show(state) {
    badge.textContent = state.label;
    badge.className = `badge status-${state.display_status}`;
    box.className = `status-box status-box-${state.display_status}`;
    // Only touch the live region when the words change, so screen readers announce
    // real changes and nothing else.
    if (headline.textContent !== state.headline) headline.textContent = state.headline;
    if (detail.textContent !== state.detail) detail.textContent = state.detail;
    errorLine.hidden = !state.error;
    errorLine.textContent = state.error ? `Last check with Kapso failed: ${state.error}` : "";
    root.dataset.final = String(state.final);
    if (countdown) {
      // Activation moves the expiry (Kapso gives an active session its own time).
      if (state.expires_at) countdown.dataset.expiresAt = state.expires_at;
      countdown.parentElement.hidden = state.display_status === "expired" || !state.expires_at;
    }
    final = state.final;
  }

  function pollNow() {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    poll();
  }

  async function poll() {
    timer = null;
    if (final || document.hidden || inFlight) return;
    inFlight = true;
    try {
      const response = await fetch(root.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const state = await response.json();
      show(state);
      // The shared Kapso budget said "not now": wait as long as it asks, quietly.
      delay = state.retry_in ? Math.min(state.retry_in * 1000, MAX_BACKOFF_MS) : POLL_MS;
    } catch {
      delay = Math.min(delay * 2, MAX_BACKOFF_MS); // the dashboard itself is unreachable
    } finally {
      inFlight = false;
    }
    schedule();
  }

  function schedule() {
    if (!final && !document.hidden && timer === null) timer = setTimeout(poll, delay);
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden && timer !== null) {
      clearTimeout(timer);
      timer = null;
    } else {
      schedule();
    }
  });

  function tick() {
    if (!countdown) return;
    const left = Math.floor((Date.parse(countdown.dataset.expiresAt) - Date.now()) / 1000);
    if (left <= 0) {
      countdown.textContent = "0:00:00";
      // Once, let the server say "expired" (an active session stops polling, so it must
      // be asked); a later answer may move the expiry, so keep ticking.
      if (!expiryChecked && !inFlight) {
        expiryChecked = true;
        final = false;
        pollNow();
      }
      setTimeout(tick, 1000);
      return;
    }
    expiryChecked = false;
    const h = Math.floor(left / 3600);
    const m = String(Math.floor((left % 3600) / 60)).padStart(2, "0");
    const s = String(left % 60).padStart(2, "0");
    countdown.textContent = `${h}:${m}:${s}`;
    setTimeout(tick, 1000);
  }

  tick();
  schedule();
})();
