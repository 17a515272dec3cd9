// tollwatch: passage-to-claim annotation on a source page (analysts and admins).
// Offsets are counted in Unicode code points, as the server's stored text is; the server
// checks that the quote is exactly the stored text at those offsets before saving.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("annotate");
  const article = document.querySelector("article.source-text");
  if (!box || !article) return;
  box.hidden = false;
  box.dataset.state = "idle";
  const $ = (id) => document.getElementById(id);
  const form = $("annotate-form"), status = $("annotate-status");
  const subject = $("ann-subject"), predicate = $("ann-predicate"), object = $("ann-object");
  const value = $("ann-value"), kindsNote = $("ann-kinds"), guessNote = $("ann-guess");
  const start = $("ann-start"), end = $("ann-end"), quote = $("ann-quote");
  const sourceId = box.dataset.sourceId;
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const chars = Array.from(article.textContent);  // the stored text, one entry per code point
  let entities = [], predicates = [];
  start.max = String(chars.length - 1); end.max = String(chars.length);

  const mark = (a, b) => {  // show the chosen passage while the form is open (CSS Custom Highlight)
    if (!(window.Highlight && CSS.highlights)) return;
    CSS.highlights.delete("annotate");
    if (a === null) return;
    const r = rangeAt(a, b);
    if (r) CSS.highlights.set("annotate", new Highlight(r));
  };

  const rangeAt = (a, b) => {  // a DOM Range over code points [a, b) of the article's text
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    const r = document.createRange();
    let seen = 0, node, begun = false;
    while ((node = walker.nextNode())) {
      const cps = Array.from(node.data);
      const units = (n) => cps.slice(0, n).join("").length;
      if (!begun && a <= seen + cps.length) { r.setStart(node, units(a - seen)); begun = true; }
      if (begun && b <= seen + cps.length) { r.setEnd(node, units(b - seen)); return r; }
      seen += cps.length;
    }
    return null;
  };

  const selectionSpan = () => {  // the selection, clipped to the article, trimmed of white space
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0).cloneRange();
    const whole = document.createRange();
    whole.selectNodeContents(article);
    if (r.compareBoundaryPoints(Range.START_TO_START, whole) < 0) r.setStart(whole.startContainer, whole.startOffset);
    if (r.compareBoundaryPoints(Range.END_TO_END, whole) > 0) r.setEnd(whole.endContainer, whole.endOffset);
    if (r.collapsed || !article.contains(r.commonAncestorContainer)) return null;
    const before = document.createRange();
    before.setStart(whole.startContainer, whole.startOffset);
    before.setEnd(r.startContainer, r.startOffset);
    const text = Array.from(r.toString());
    let a = Array.from(before.toString()).length, b = a + text.length;
    while (a < b && /\s/.test(chars[a])) a++;
    while (b > a && /\s/.test(chars[b - 1])) b--;
    return a < b ? [a, b] : null;
  };

  const option = (row) => {
    const o = document.createElement("option");
    o.value = row.id;
    o.textContent = `${row.name} (${row.kind})`;
    o.dataset.kind = row.kind;
    o.title = row.why;
    return o;
  };

  const fillEntities = (select, kinds, keep) => {
    select.querySelectorAll("optgroup").forEach((g) => g.remove());
    const groups = [["Named in the passage", entities.filter((e) => e.span)], ["In the graph", entities.filter((e) => !e.span)]];
    for (const [label, rows] of groups) {
      const fit = rows.filter((e) => !kinds || kinds.includes(e.kind));
      if (!fit.length) continue;
      const g = document.createElement("optgroup");
      g.label = label;
      fit.forEach((e) => g.append(option(e)));
      select.append(g);
    }
    select.value = Array.from(select.options).some((o) => o.value === keep) ? keep : "";
  };

  const subjectKind = () => subject.selectedOptions[0]?.dataset.kind || null;
  const chosenPredicate = () => predicates.find((p) => p.name === predicate.value) || null;

  const fillPredicates = (keep) => {
    const kind = subjectKind();
    predicate.querySelectorAll("option:not([value=''])").forEach((o) => o.remove());
    predicates.filter((p) => !kind || p.subject.includes(kind)).forEach((p) => {
      const o = document.createElement("option");
      o.value = p.name; o.textContent = p.label; o.title = p.description;
      predicate.append(o);
    });
    predicate.value = Array.from(predicate.options).some((o) => o.value === keep) ? keep : "";
  };

  const fillObject = (keep) => {
    const p = chosenPredicate();
    fillEntities(object, p ? p.object : null, keep);
    value.disabled = Boolean(p && !p.value) || Boolean(object.value);
    kindsNote.textContent = !p ? "" :
      `${p.label}: said of ${p.subject.join(" or ")}` +
      (p.object.length ? `; points at ${p.object.join(" or ")}` : "") +
      (p.value ? `${p.object.length ? ", or" : "; takes"} a value (${p.value_label || p.value})` : "") + ".";
  };

  subject.addEventListener("change", () => { fillPredicates(predicate.value); fillObject(object.value); });
  predicate.addEventListener("change", () => fillObject(object.value));
  object.addEventListener("change", () => { value.disabled = Boolean(object.value) || Boolean(chosenPredicate() && !chosenPredicate().value); });

  const suggest = async (a, b, focus) => {
    start.value = String(a); end.value = String(b);
    quote.value = chars.slice(a, b).join("");
    form.hidden = false; box.dataset.state = "editing";
    mark(a, b);
    status.textContent = "Looking for entities in the passage…";
    try {
      const r = await fetch(`/api/sources/${encodeURIComponent(sourceId)}/suggest`, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ start: a, end: b, quote: quote.value }),
      });
      const data = await r.json();
      if (!r.ok) throw new Error(typeof data.detail === "string" ? data.detail : `error ${r.status}`);
      entities = [...data.mentions, ...data.graph];
      predicates = data.predicates;
      const g = data.guess;
      fillEntities(subject, null, g.subject);
      fillPredicates(g.predicate);
      fillObject(g.object);
      if (g.value && !g.object && !value.disabled) value.value = g.value;
      guessNote.textContent = g.why ? `Filled in from ${g.why}: check every field before saving.` : "";
      status.textContent = `Characters ${a}–${b} selected; ${data.mentions.length} known entit${data.mentions.length === 1 ? "y" : "ies"} named in the passage.`;
    } catch (e) {
      status.textContent = `No suggestions: ${e.message}`;
    }
    if (focus) subject.focus();
  };

  $("annotate-start").addEventListener("click", () => {
    const span = selectionSpan();
    if (!span) {
      status.textContent = "Select a passage of the source text first, or give its characters below.";
      form.hidden = false; box.dataset.state = "editing";
      start.focus();
      return;
    }
    suggest(span[0], span[1], true);
  });

  const typed = () => {  // the keyboard way: offsets typed into the form
    const a = Number(start.value), b = Number(end.value);
    if (Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b > a && b <= chars.length) suggest(a, b, false);
  };
  start.addEventListener("change", typed);
  end.addEventListener("change", typed);

  $("annotate-cancel").addEventListener("click", () => {
    form.hidden = true; box.dataset.state = "idle"; mark(null); status.textContent = ""; $("annotate-start").focus();
  });
});
