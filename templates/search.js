// Offline search of the HTML handbook over search-index.js, which a <script> loads with the
// page (so the search works from disk too, where a page may not fetch a file). The index has an
// entry per line of a role: its title, each heading, each duty, step, qualification… (see
// rolebook/output/writers/search.py for its shape). Chinese is matched by characters and
// pairs of characters (bigrams), so "客户投诉" finds a line holding 客户, 户投 and 投诉; English
// by words with simple stemming, so "customers" finds "customer" and a word being typed finds
// the words it begins. Hits are grouped by role, ranked title > heading > text.
"use strict";
(function () {
  const form = document.querySelector("form.search");
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-results");
  const status = document.getElementById("search-status");
  const data = window.ROLEBOOK_SEARCH;
  if (!form || !input || !list || !data) return;
  const GROUPS = 30; // roles listed; the count says how many lines matched in all
  const PER_ROLE = 4; // lines listed under a role before "n more"
  const SNIPPET = 110; // characters of a long line shown around its first match
  const RUN = /[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9]+/g; // on lower-case text
  const WORD = /[A-Za-z0-9]+/g;
  const plural = new Intl.PluralRules(document.documentElement.lang || "en");
  const roles = data.roles;

  // Simple English stemming: duties → duty, boxes → box, customers → customer, reported →
  // report; enough to find a word in its other forms, not a dictionary's root.
  function stem(word) {
    if (word.length > 4 && word.endsWith("ies")) return word.slice(0, -3) + "y";
    if (word.length > 4 && /(ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
    if (word.length > 3 && /[^su]s$/.test(word)) return word.slice(0, -1);
    if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
    if (word.length > 4 && word.endsWith("ed")) return word.slice(0, -2);
    return word;
  }

  // The query's needles: CJK characters (a run of one) or bigrams, and stemmed words. Every
  // bigram of a run must match; `loose`, only every other one ("客户投诉": 客户 and 投诉, not
  // 户投), for a query whose words stand apart in the line.
  function needles(query, loose) {
    const found = new Map();
    for (const run of query.toLowerCase().match(RUN) || []) {
      if (/[a-z0-9]/.test(run[0])) { found.set("w" + run, { word: stem(run) }); continue; }
      if (run.length === 1) found.set("c" + run, { cjk: run });
      for (let k = 0; k + 1 < run.length; k += loose ? 2 : 1) {
        const pair = run.slice(k, k + 2);
        found.set("c" + pair, { cjk: pair });
      }
      if (loose && run.length > 2 && run.length % 2) found.set("c" + run.slice(-2), { cjk: run.slice(-2) });
    }
    return [...found.values()];
  }

  // The texts of a kind (lines, headings, role titles) in one lower-case string, each ended by
  // a separator, and where each starts: one indexOf runs through them all, far faster than a
  // call per text. Their words' stems (" duty report …") likewise, made at the first English word.
  const SEP = "\u0001"; // in no text: rolebook refuses control characters in a role's text
  function corpus(parts) {
    const lower = parts.join(SEP).toLowerCase() + SEP;
    return { lower: lower, starts: startsOf(lower), size: parts.length, stems: null };
  }
  function startsOf(joined) {
    const starts = [0];
    for (let at = joined.indexOf(SEP); at >= 0; at = joined.indexOf(SEP, at + 1)) starts.push(at + 1);
    return Int32Array.from(starts);
  }
  function stemsOf(c) {
    if (c.stems) return c.stems;
    const out = [];
    let words = [];
    for (const m of c.lower.matchAll(/[a-z0-9]+|\u0001/g)) {
      if (m[0] !== SEP) { words.push(stem(m[0])); continue; }
      out.push(words.length ? " " + words.join(" ") : "");
      words = [];
    }
    const joined = out.join(SEP) + SEP;
    return (c.stems = { lower: joined, starts: startsOf(joined) });
  }
  let corpora = null; // made when the box is first focused, or at the first query
  function ready() {
    return corpora || (corpora = {
      t: corpus(data.texts),
      h: corpus(data.headings.map((h) => h[0])),
      r: corpus(roles.map((r) => r[1])),
    });
  }

  // The number of the text the character at `at` belongs to.
  function owner(starts, at) {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // Returns, for each text of corpus `c`, 1 when it holds every needle, else 0.
  function found(c, ns) {
    const seen = new Uint8Array(c.size);
    ns.forEach(function (n, k) {
      const hay = n.cjk ? c : stemsOf(c);
      const needle = n.cjk || " " + n.word;
      for (let at = hay.lower.indexOf(needle); at >= 0; at = hay.lower.indexOf(needle, at)) {
        const id = owner(hay.starts, at);
        if (seen[id] === k) seen[id] = k + 1;
        at = hay.starts[id + 1]; // on to the next text: each counts once
      }
    });
    for (let k = 0; k < seen.length; k++) seen[k] = seen[k] === ns.length ? 1 : 0;
    return seen;
  }

  // Returns every role with a hit, best first: {r, rank, count}; and which texts matched.
  function search(ns) {
    const c = ready();
    const textHit = found(c.t, ns), headHit = found(c.h, ns), titleHit = found(c.r, ns);
    const groups = [];
    let count = 0;
    roles.forEach(function (role, r) {
      let rank = 3, hits = 0;
      if (titleHit[r]) { rank = 0; hits++; }
      for (const h of role[2]) if (headHit[h]) { rank = Math.min(rank, 1); hits++; }
      const lines = role[3];
      for (let k = 2; k < lines.length; k += 3) if (textHit[lines[k]]) { rank = Math.min(rank, 2); hits++; }
      if (hits) groups.push({ r: r, rank: rank, count: hits });
      count += hits;
    });
    groups.sort((a, b) => a.rank - b.rank || a.r - b.r);
    return { found: groups, count: count, textHit: textHit, headHit: headHit, titleHit: titleHit };
  }

  // The lines of one role that matched, in rank then page order: [{rank, href, label, text}].
  function hitsOf(role, r, result, ns) {
    const url = role[0], out = [];
    if (result.titleHit[r]) out.push({ rank: 0, href: url, text: role[1] });
    for (const h of role[2]) {
      if (result.headHit[h]) out.push({ rank: 1, href: url + "#" + data.headings[h][1], text: data.headings[h][0] });
    }
    const lines = role[3];
    for (let k = 0; k < lines.length; k += 3) {
      if (!result.textHit[lines[k + 2]]) continue;
      const h = data.headings[lines[k]];
      const href = lines[k + 1] ? url + "#" + h[1] + "-" + lines[k + 1] : url;
      out.push({ rank: 2, href: href, label: h ? h[0] : "", text: data.texts[lines[k + 2]] });
    }
    return out;
  }

  // The spans of `text` that the needles match, merged: [[start, end], …].
  function ranges(text, ns) {
    const lower = text.toLowerCase(), found = [];
    for (const n of ns) {
      if (!n.cjk) continue;
      for (let at = lower.indexOf(n.cjk); at >= 0; at = lower.indexOf(n.cjk, at + 1)) {
        found.push([at, at + n.cjk.length]);
      }
    }
    const words = ns.filter((n) => !n.cjk).map((n) => n.word);
    if (words.length) {
      for (const m of lower.matchAll(WORD)) {
        const s = stem(m[0]);
        if (words.some((w) => s.startsWith(w))) found.push([m.index, m.index + m[0].length]);
      }
    }
    found.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const r of found) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    }
    return merged;
  }

  // Where a long line's snippet starts: a little before the match that sees the most different
  // matched words after it within the snippet's length.
  function snippetStart(text, spans) {
    let best = 0, most = 0;
    for (const [a] of spans) {
      const inside = spans.filter((r) => r[0] >= a && r[1] <= a + SNIPPET - 30);
      const seen = new Set(inside.map((r) => text.slice(r[0], r[1]).toLowerCase())).size;
      if (seen > most) { most = seen; best = Math.max(0, a - 30); }
    }
    return best;
  }

  // `text` as nodes, each match in a <mark>; a long text cut around its first match.
  function highlighted(text, ns) {
    const spans = ranges(text, ns);
    let start = 0, end = text.length;
    if (text.length > SNIPPET) {
      start = snippetStart(text, spans);
      end = Math.min(text.length, start + SNIPPET);
    }
    const nodes = [start > 0 ? "…" : ""];
    let at = start;
    for (const [a, b] of spans) {
      if (b <= start || a >= end) continue;
      nodes.push(text.slice(at, Math.max(a, at)));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(Math.max(a, at), Math.min(b, end));
      nodes.push(mark);
      at = Math.min(b, end);
    }
    nodes.push(text.slice(at, end) + (end < text.length ? "…" : ""));
    return nodes;
  }

  function element(tag, className, children) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    el.append(...children);
    return el;
  }

  // A role's hits: its title (marked where it matched), then its lines.
  function roleGroup(found, result, ns) {
    const role = roles[found.r];
    const hits = hitsOf(role, found.r, result, ns);
    const lines = hits.filter((hit) => hit.rank > 0);
    const items = lines.slice(0, PER_ROLE).map(function (hit) {
      const parts = hit.label ? [element("span", "where", [hit.label]), " "] : [];
      const link = element("a", "hit rank-" + hit.rank, [...parts, element("span", "snippet", highlighted(hit.text, ns))]);
      link.href = hit.href;
      return element("li", "", [link]);
    });
    if (lines.length > PER_ROLE) {
      items.push(element("li", "more", [form.dataset.more.replace("{n}", lines.length - PER_ROLE)]));
    }
    const title = element("a", "role", hits[0].rank === 0 ? highlighted(role[1], ns) : [role[1]]);
    title.href = role[0];
    return element("li", "group", [title, element("ol", "", items)]);
  }

  function counted(n) {
    const text = plural.select(n) === "one" ? form.dataset.countOne : form.dataset.countOther;
    return text.replace("{n}", n.toLocaleString(document.documentElement.lang || "en"));
  }

  function show() {
    let ns = needles(input.value, false);
    list.replaceChildren();
    list.hidden = !ns.length;
    if (!ns.length) { status.textContent = ""; return; }
    let result = search(ns);
    const loose = needles(input.value, true);
    if (!result.count && loose.length !== ns.length) result = search((ns = loose));
    list.append(element("li", "count", [counted(result.count)]));
    for (const found of result.found.slice(0, GROUPS)) {
      list.append(roleGroup(found, result, ns));
    }
    if (!result.count) list.append(element("li", "none", [form.dataset.none]));
    status.textContent = counted(result.count);
  }

  if (data.suggest && form.dataset.suggest) {
    input.placeholder = form.dataset.suggest.replace("{word}", data.suggest);
  }
  input.addEventListener("input", show);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const first = list.querySelector("a.hit");
    if (first) window.location.href = first.href;
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show(); }
  });
  // The arrow keys move from the box through the results' links and back.
  form.addEventListener("keydown", function (event) {
    if ((event.key !== "ArrowDown" && event.key !== "ArrowUp") || list.hidden) return;
    const stops = [input, ...list.querySelectorAll("a")];
    const next = stops[stops.indexOf(document.activeElement) + (event.key === "ArrowDown" ? 1 : -1)];
    if (next) { next.focus(); event.preventDefault(); }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) list.hidden = true;
  });
  input.addEventListener("focus", function () { if (input.value.trim()) show(); });
  // The texts are joined when the box is first focused, so that the first query does not wait.
  input.addEventListener("focus", ready, { once: true });
})();
