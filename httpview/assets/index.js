"use strict";
// Index page: every 2 s, fill each camera's figures from /state (frame size,
// measured frame rate, viewers) and the node's own state; re-open a live view
// whose stream failed, e.g. while the node restarts. Values are set as text,
// never as HTML.
(() => {
  const cards = new Map();
  for (const el of document.querySelectorAll("[data-topic]")) {
    cards.set(el.dataset.topic, { stats: el.querySelector("[data-stats]"), img: el.querySelector("img"), prev: null });
  }
  for (const { img } of cards.values()) {
    img.addEventListener("error", () => {
      setTimeout(() => { img.src = img.dataset.src + "&retry=" + Date.now(); }, 2000);
    });
  }
  const summary = document.getElementById("summary");
  const nodeBox = document.getElementById("node");
  const nodeList = document.getElementById("node-state");

  function cameraText(t, card, now) {
    if (!t.seq) return ["waiting for frames…", false];
    // The server measures the rate while anyone watches (this page does);
    // else estimate it from the frame numbers of two refreshes.
    let rate = t.fps || 0;
    if (!rate && card.prev && t.seq >= card.prev.seq && now > card.prev.at) {
      rate = (t.seq - card.prev.seq) / ((now - card.prev.at) / 1000);
    }
    const fps = rate ? rate.toFixed(1) + " fps · " : "";
    card.prev = { seq: t.seq, at: now };
    const viewers = t.viewers === 1 ? "1 viewer" : t.viewers + " viewers";
    let text = `${t.width}×${t.height} ${t.format} · ${fps}${viewers}`;
    const stale = t.age_s > 2;
    if (stale) text += ` · last frame ${t.age_s.toFixed(0)} s ago`;
    return [text, stale];
  }

  function showNode(state) {
    const rows = Object.entries(state).filter(([k, v]) => k !== "http" && (v === null || typeof v !== "object"));
    nodeBox.hidden = rows.length === 0;
    nodeList.replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : String(v);
      return [dt, dd];
    }));
  }

  async function refresh() {
    try {
      const res = await fetch("/state", { cache: "no-store", credentials: "same-origin" });
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      const state = await res.json();
      const now = performance.now();
      for (const t of state.http.topics) {
        const card = cards.get(t.topic);
        if (!card) continue;
        const [text, stale] = cameraText(t, card, now);
        card.stats.textContent = text;
        card.stats.classList.toggle("stale", stale);
      }
      const n = state.http.viewers;
      summary.textContent = n === 1 ? "1 stream open" : `${n} streams open`;
      showNode(state);
    } catch (err) {
      summary.textContent = "state unavailable: " + err.message;
    }
  }
  refresh();
  setInterval(refresh, 2000);
})();
