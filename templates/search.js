// Offline search of the HTML handbook: substring matching (which also works for Chinese, where
// words are not separated by spaces) over search-index.js, built with the handbook.
"use strict";
(function () {
  const form = document.querySelector("form.search");
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  const index = window.ROLEBOOK_SEARCH || [];
  if (!form || !input || !list) return;

  function snippet(text, at, length) {
    const start = Math.max(0, at - 20);
    const end = Math.min(text.length, at + length + 40);
    const span = document.createElement("span");
    span.className = "snippet";
    const mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + length);
    span.append((start > 0 ? "…" : "") + text.slice(start, at), mark,
                text.slice(at + length, end) + (end < text.length ? "…" : ""));
    return span;
  }

  function search(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const hits = [];
    for (const entry of index) {
      const inTitle = entry.title.toLowerCase().indexOf(q);
      const at = entry.text.toLowerCase().indexOf(q);
      if (inTitle < 0 && at < 0) continue;
      hits.push({ entry: entry, at: at, rank: inTitle >= 0 ? 0 : 1 });
    }
    hits.sort((a, b) => a.rank - b.rank);
    return hits;
  }

  function show() {
    const q = input.value.trim();
    const hits = search(q);
    list.replaceChildren();
    for (const hit of hits) {
      const link = document.createElement("a");
      link.href = hit.entry.url;
      const title = document.createElement("strong");
      title.textContent = hit.entry.title;
      link.append(title);
      if (hit.at >= 0) link.append(snippet(hit.entry.text, hit.at, q.length));
      const item = document.createElement("li");
      item.append(link);
      list.append(item);
    }
    list.hidden = !q;
    if (q && !hits.length) {
      const item = document.createElement("li");
      item.textContent = form.dataset.none;
      item.className = "none";
      list.append(item);
    }
    status.textContent = q ? hits.length + " " + form.dataset.hits : "";
  }

  input.addEventListener("input", show);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show(); }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) list.hidden = true;
  });
  input.addEventListener("focus", function () { if (input.value.trim()) show(); });
})();
