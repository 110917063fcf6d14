// The onboarding progress page: asks for the batch's progress every 2 s until it is done.
"use strict";

(() => {
  const root = document.getElementById("batch-progress");
  if (!root) return;
  const POLL_MS = 2000;
  const bar = document.getElementById("progress-bar");
  const state = document.getElementById("progress-state");
  const failures = document.getElementById("failures");
  const list = document.getElementById("failure-list");
  const counts = ["done", "created", "reused", "failed", "pending"];
  let finishedOnce = root.dataset.finished === "true";

  function show(p) {
    bar.max = p.total;
    bar.value = p.done + p.failed;
    bar.textContent = `${p.percent}%`;
    for (const name of counts) {
      const el = document.getElementById(`count-${name}`);
      if (el.textContent !== String(p[name])) el.textContent = String(p[name]);
    }
    if (state.textContent !== p.state) state.textContent = p.state;
    state.classList.toggle("done", p.finished);
    failures.hidden = p.failures.length === 0;
    const lines = p.failures.map((f) => `${f.tester} · ${f.agent}: ${f.error}`);
    if ([...list.children].map((li) => li.textContent).join("\n") !== lines.join("\n")) {
      list.replaceChildren(...lines.map((text) => {
        const li = document.createElement("li");
        li.textContent = text;
        return li;
      }));
    }
  }

  async function poll() {
    let delay = POLL_MS;
    try {
      const response = await fetch(root.dataset.url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const p = await response.json();
      show(p);
      // Finished: one more look a little later (a retry may start it again), then stop.
      if (p.finished) {
        if (finishedOnce) return;
        finishedOnce = true;
      } else {
        finishedOnce = false;
      }
    } catch {
      delay = POLL_MS * 5;
    }
    setTimeout(poll, delay);
  }
  setTimeout(poll, root.dataset.finished === "true" ? POLL_MS * 5 : POLL_MS);
})();
