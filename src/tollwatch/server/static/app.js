// tollwatch: our own small script. Pages work without it; it only adds conveniences.
"use strict";

document.addEventListener("DOMContentLoaded", () => {

  // Review queue: one box ticks every claim shown for a bulk decision.
  const all = document.getElementById("pick-all");
  if (all) {
    all.addEventListener("change", () =>
      document.querySelectorAll("input.pick").forEach((b) => { b.checked = all.checked; }));
  }

  // Source page: following a link to #claim-ID highlights that claim's passage.
  const focusClaim = () => {
    document.querySelectorAll("mark.focus").forEach((m) => m.classList.remove("focus"));
    const m = /^#claim-(.+)$/.exec(location.hash);
    if (!m) return;
    const id = decodeURIComponent(m[1]);
    const marks = Array.from(document.querySelectorAll("mark[data-claims]")).filter((el) =>
      el.dataset.claims.split(" ").includes(id));
    marks.forEach((el) => el.classList.add("focus"));
    if (marks.length) marks[0].scrollIntoView({ block: "center" });
  };
  window.addEventListener("hashchange", focusClaim);
  focusClaim();

  // Screening job page: poll progress until the job is done, then reload for results.
  const job = document.querySelector("[data-job-progress]");
  if (job) {
    const url = job.getAttribute("data-job-progress");
    const bar = job.querySelector("progress");
    const label = job.querySelector(".job-status");
    const poll = async () => {
      try {
        const r = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!r.ok) throw new Error(String(r.status));
        const p = await r.json();
        if (p.total) { bar.max = p.total; bar.value = p.done; }
        label.textContent = `${p.status}: ${p.done} of ${p.total || "?"} rows (${p.percent}%)`;
        if (p.status === "done" || p.status === "failed") { location.reload(); return; }
      } catch (e) {
        label.textContent = "waiting for the server…";
      }
      setTimeout(poll, 700);
    };
    poll();
  }
});
