// Keeps the session page true without a reload: polls the status endpoint while the
// session may still change and, when the server says the state changed, fetches the
// server-rendered state part of the page (sandbox:state) and swaps it in whole, so no
// heading, badge, detail or time left is left saying the old state. Stops once the session
// is active or expired, pauses while the tab is hidden. The server throttles calls to
// Kapso, so many open tabs cost nothing.
"use strict";

(() => {
  const root = document.getElementById("live-status");
  if (!root || !root.dataset.statusUrl) return;

  const POLL_MS = 3000;
  const MAX_BACKOFF_MS = 30000;
  const part = document.getElementById("session-state");
  const announce = document.getElementById("status-announce");
  const errorLine = document.getElementById("status-error");
  let final = root.dataset.final === "true";
  let delay = POLL_MS;
  let timer = null;
  let inFlight = false; // one request at a time: a late answer never overwrites a newer one
  let expiryChecked = false;

  // The same words as sandbox/timewords.py `duration` and `time_left`.
  function duration(seconds) {
    let minutes = Math.floor(Math.max(0, seconds) / 60);
    if (minutes === 0) return "under a minute";
    const hours = Math.floor(minutes / 60);
    minutes %= 60;
    if (hours >= 48) return `${Math.floor(hours / 24)} days`;
    return hours ? `${hours} h ${minutes} min` : `${minutes} min`;
  }

  async function swapState(key) {
    const response = await fetch(root.dataset.stateUrl, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const html = await response.text();
    const template = document.createElement("template");
    template.innerHTML = html;
    part.replaceChildren(template.content);
    root.dataset.stateKey = key;
    // The swapped-in status box is new to the page; say the change once, here.
    const headline = document.getElementById("status-headline");
    const detail = document.getElementById("status-detail");
    announce.textContent = [headline, detail].map((el) => (el ? el.textContent : "")).join(" ");
    tickNow();
  }

  function show(state) {
    errorLine.hidden = !state.error;
    errorLine.textContent = state.error ? `Last check with Kapso failed: ${state.error}` : "";
    root.dataset.final = String(state.final);
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
      if (state.state_key !== root.dataset.stateKey) await swapState(state.state_key);
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

  // Every "… left" on the page, counted down in the server's words.
  function tickNow() {
    let ended = false;
    for (const el of part.querySelectorAll(".time-left[data-expires-at]")) {
      const left = Math.floor((Date.parse(el.dataset.expiresAt) - Date.now()) / 1000);
      const text = left > 0 ? `${duration(left)} left` : "no time left";
      if (el.textContent !== text) el.textContent = text;
      if (left <= 0) ended = true;
    }
    if (!ended) {
      expiryChecked = false;
    } else if (!expiryChecked && !inFlight) {
      // Once, let the server say "expired" (an active session stops polling, so it must
      // be asked); its answer swaps in the expired state.
      expiryChecked = true;
      final = false;
      pollNow();
    }
  }

  function tick() {
    tickNow();
    setTimeout(tick, 1000);
  }

  tick();
  schedule();
})();
