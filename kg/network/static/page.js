"use strict";
const DATA = JSON.parse(document.getElementById("kg-data").textContent);
const W = DATA.words;
const byId = Object.fromEntries(DATA.nodes.map(n => [n.id, n]));
const fold = s => (s || "").replace(/Đ/g, "D").replace(/đ/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; };
const COLOURS = DATA.edgeColours;
const EDGE_STYLE = {
  active: {color: COLOURS.support, dashes: false},
  planned: {color: COLOURS.planned, dashes: [8, 6]},
  ended: {color: COLOURS.ended, dashes: [2, 5]},
};
// Referral edges: sender to receiver, curved the other way from support links, dashed when no number is given.
const REFERRAL_DASHES = [7, 5];
const LAYERS = ["support", "referral"];
// Labels are FONT_SIZE units high; when the view is zoomed out so far that they would be drawn smaller
// than MIN_LABEL_PX on screen, they grow (down to a scale of FLOOR_SCALE, below which they shrink again).
const FONT_SIZE = 16, LABEL_WIDTH = 180, MIN_LABEL_PX = 12, FLOOR_SCALE = 0.25, PADDING = 24;
let snapshot = DATA.initial, sizeBy = DATA.sizeBy, colourBy = DATA.colourBy, fontSize = FONT_SIZE;

function font(size) { return {size, face: "DejaVu Sans, Arial, sans-serif", strokeWidth: 3, strokeColor: "#ffffff"}; }
// The page of an institution on the web app, when the page is served by it; null in the file on its own.
function entityHref(id) {
  const base = DATA.entityBase, ns = DATA.entityNamespace;
  if (base == null || !ns || !id.startsWith(ns) || id.length === ns.length) return null;
  return base.replace(/\/+$/, "") + "/" + id.slice(ns.length);
}
function fmt(v) { return v == null ? "" : (Number.isInteger(v) ? String(v) : v.toFixed(4)); }
function value(id) { const vals = DATA.snapshots[snapshot].values[sizeBy] || {}; return vals[id] == null ? 0 : vals[id]; }
// Nodes of the referral layer alone have no support measure to size them by: they keep one size.
const GROUP_SIZE = 14;
function sized(n) { return n.layers.includes("support") ? {value: value(n.id)} : {value: undefined, size: GROUP_SIZE}; }

// Named institutions are filled discs; unnamed groups are hollow shapes outlined in their colour.
function nodeColour(n) {
  const c = n.colour[colourBy];
  return n.group ? {background: "#ffffff", border: c, highlight: {background: "#ffffff", border: "#000000"}}
                 : {background: c, border: "#ffffff", highlight: {background: c, border: "#000000"}};
}

function nodeTitle(n) {
  const box = el("div");
  box.appendChild(el("b", n.label));
  if (n.other && n.other !== n.label) box.appendChild(el("div", n.other, "muted"));
  box.appendChild(el("div", W.level + ": " + n.levelLabel + (n.kindLabel ? " · " + n.kindLabel : "")));
  if (n.province) box.appendChild(el("div", W.province + ": " + n.province));
  if (n.country) box.appendChild(el("div", W.country + ": " + n.country));
  for (const m of Object.keys(DATA.measures)) {
    const v = (DATA.snapshots[snapshot].values[m] || {})[n.id];
    if (v != null) box.appendChild(el("div", DATA.measures[m] + ": " + fmt(v)));
  }
  return box;
}
function referralText(e) {
  const parts = [byId[e.from].label + " → " + byId[e.to].label, W.volume + ": " + e.volume];
  for (const [start, end] of e.period) parts.push(W.period + ": " + (start || "?") + " – " + (end || W.open));
  if (e.reported.length) parts.push(W.reported + ": " + e.reported.join(", "));
  parts.push(W.sources + ": " + e.sources.join(", "));
  return parts;
}
function edgeText(e) {
  if (e.layer === "referral") return referralText(e);
  const a = byId[e.from].label, b = byId[e.to].label;
  let head = e.kind === "support" ? e.supporters.map(s => byId[s].label + " → " + byId[s === e.from ? e.to : e.from].label).join("; ")
                                  : a + " — " + b;
  const parts = [head, e.types.join(", ") + (e.statuses.length ? " (" + e.statuses.join(", ") + ")" : ""),
                 W.period + ": " + (e.start || "?") + " – " + (e.end || W.open)];
  if (e.areas.length) parts.push(W.areas + ": " + e.areas.join("; "));
  if (e.techniques.length) parts.push(W.techniques + ": " + e.techniques.join("; "));
  parts.push(W.sources + ": " + e.sources.join(", "));
  return parts;
}
function edgeTitle(e) { const box = el("div"); edgeText(e).forEach((t, i) => box.appendChild(el(i ? "div" : "b", t))); return box; }
function arrows(e) {
  if (e.layer === "referral") return "to";
  if (e.kind !== "support") return "";
  const dirs = [];
  if (e.supporters.includes(e.from)) dirs.push("to");
  if (e.supporters.includes(e.to)) dirs.push("from");
  return dirs.join(",");
}
function edgeColour(e) {
  const c = e.layer === "referral" ? COLOURS.referral
    : e.kind === "support" || e.state !== "active" ? EDGE_STYLE[e.state].color : COLOURS.partnership;
  return {color: c, highlight: "#000000", hover: c, inherit: false, opacity: 1};
}
function layerShown(layer) { return document.getElementById("layer-" + layer).checked; }
// The edges shown: of the layers switched on, the support links and referral flows in force on the snapshot's date.
function visibleEdges() {
  const snap = DATA.snapshots[snapshot], inForce = new Set(snap.links), flowing = new Set(snap.flows);
  const showPlanned = document.getElementById("planned").checked;
  const support = layerShown("support"), referral = layerShown("referral");
  return new Set(DATA.edges.filter(e => e.layer === "referral"
    ? referral && e.flows.some(i => flowing.has(i))
    : support && e.links.some(i => inForce.has(i)) && (showPlanned || e.state !== "planned")).map(e => e.id));
}

const nodes = new vis.DataSet(DATA.nodes.map(n => ({
  id: n.id, label: n.label, x: n.x, y: n.y, shape: n.shape, ...sized(n), title: nodeTitle(n),
  color: nodeColour(n), font: font(FONT_SIZE), borderWidth: n.group ? 3 : 2, kind: n.kind,
})));
const edges = new vis.DataSet(DATA.edges.map(e => {
  if (e.layer === "referral")
    return {id: e.id, from: e.from, to: e.to, layer: e.layer, arrows: "to", dashes: e.dashed ? REFERRAL_DASHES : false,
            title: edgeTitle(e), color: edgeColour(e), width: e.width, selectionWidth: 1.5,
            smooth: {type: "curvedCCW", roundness: 0.14}};
  const s = EDGE_STYLE[e.state];
  return {id: e.id, from: e.from, to: e.to, layer: e.layer, arrows: arrows(e), dashes: s.dashes, title: edgeTitle(e),
          color: edgeColour(e), width: 1.5 + Math.log2(e.weight), smooth: {type: "curvedCW", roundness: 0.08}};
}));
const network = new vis.Network(document.getElementById("network"), {nodes, edges}, {
  physics: false, layout: {randomSeed: 1},
  nodes: {scaling: {min: 10, max: 40, label: {enabled: false}}, widthConstraint: {maximum: LABEL_WIDTH}},
  edges: {arrowStrikethrough: false, arrows: {to: {scaleFactor: 0.7}, from: {scaleFactor: 0.7}}},
  interaction: {hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false},
});

// Keep labels legible at the current zoom: returns true when their size had to change.
function labelFloor() {
  const scale = Math.max(network.getScale(), FLOOR_SCALE);
  const size = Math.max(FONT_SIZE, Math.ceil(2 * MIN_LABEL_PX / scale) / 2);
  if (size === fontSize) return false;
  fontSize = size;
  nodes.update(DATA.nodes.map(n => ({id: n.id, font: font(size), widthConstraint: {maximum: LABEL_WIDTH * size / FONT_SIZE}})));
  return true;
}

// The box, in canvas units, of the nodes shown with their labels (as last drawn).
function shownBox() {
  const ids = nodes.getIds({filter: n => !n.hidden});
  const box = {left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity};
  for (const id of (ids.length ? ids : nodes.getIds())) {
    const b = network.getBoundingBox(id);
    box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
    box.top = Math.min(box.top, b.top); box.bottom = Math.max(box.bottom, b.bottom);
  }
  return box;
}

// Like network.fit, but every label inside the canvas too, PADDING pixels from its edges, and the labels
// kept legible; drawn at once, so that the first picture of the page is already the fitted one.
let fitting = false;
function fitView() {
  const frame = document.getElementById("network");
  const width = frame.clientWidth, height = frame.clientHeight;
  if (fitting || !width || !height) return;
  fitting = true;
  try {
    for (let round = 0; ; round++) {  // the labels' size follows the scale, and the box the labels' size
      network.redraw();  // measures the labels
      const box = shownBox();
      if (!Number.isFinite(box.left)) break;  // nothing to show
      const scale = Math.min((width - 2 * PADDING) / Math.max(box.right - box.left, 1),
                             (height - 2 * PADDING) / Math.max(box.bottom - box.top, 1), 1);
      network.moveTo({position: {x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2}, scale, animation: false});
      if (round === 5 || !labelFloor()) break;
    }
    network.redraw();
  } finally {
    fitting = false;
  }
}

function setSnapshot(i) {
  snapshot = i;
  document.getElementById("snapshot").value = String(i);
  document.getElementById("snapshot-range").value = String(i);
  document.getElementById("snapshot-value").textContent = DATA.snapshots[i].label;
  refresh();
}

function refresh() {
  const shown = visibleEdges();
  const used = new Set();
  DATA.edges.forEach(e => { if (shown.has(e.id)) { used.add(e.from); used.add(e.to); } });
  edges.update(DATA.edges.map(e => ({id: e.id, hidden: !shown.has(e.id)})));
  nodes.update(DATA.nodes.map(n => ({id: n.id, hidden: !used.has(n.id), ...sized(n), title: nodeTitle(n),
    color: nodeColour(n)})));
  document.getElementById("status").textContent = used.size + " " + W.shown + " · " + DATA.snapshots[snapshot].label;
  drawLegend();
}

function drawLegend() {
  const box = document.getElementById("legend");
  box.replaceChildren();
  for (const [key, [text, colour]] of Object.entries(DATA.legend[colourBy])) {
    const row = el("div"); const dot = el("span", null, "dot"); dot.style.background = colour;
    row.append(dot, el("span", text)); box.appendChild(row);
  }
  const ref = DATA.referralLegend, referrals = DATA.edges.some(e => e.layer === "referral");
  const marks = {diamond: "◇", triangle: "△"};
  for (const [text, shape] of (referrals ? ref.shapes : [])) {
    const row = el("div"); const mark = el("span", marks[shape] || "○", "shape"); mark.style.color = "#555555";
    row.append(mark, el("span", text)); box.appendChild(row);
  }
  const lines = [[W.legend_support, COLOURS.support, "solid", 2], [W.legend_partnership, COLOURS.partnership, "solid", 2],
                 [W.legend_planned, COLOURS.planned, "dashed", 2], [W.legend_ended, COLOURS.ended, "dotted", 2]];
  if (referrals) lines.push(...ref.rows.map(([text, width, dashed]) => [text, ref.colour, dashed ? "dashed" : "solid", width]));
  for (const [text, colour, style, width] of lines) {
    const row = el("div"); const line = el("span", null, "line");
    line.style.borderTop = Math.max(1, Math.round(width)) + "px " + style + " " + colour;
    row.append(line, el("span", text)); box.appendChild(row);
  }
  if (referrals) { const note = el("span", ref.note, "note"); note.id = "legend-width"; box.appendChild(note); }
}

function showDetails(id) {
  const n = byId[id], box = document.getElementById("details");
  box.replaceChildren();
  const title = el("h2"), href = entityHref(id);
  if (href) {
    const a = el("a", n.label); a.id = "details-link"; a.href = href; a.title = W.entity_page; title.appendChild(a);
  } else title.textContent = n.label;
  box.appendChild(title);
  if (n.other && n.other !== n.label) box.appendChild(el("div", n.other, "muted"));
  box.appendChild(el("div", W.level + ": " + n.levelLabel + (n.kindLabel ? " · " + n.kindLabel : "")));
  if (n.province) box.appendChild(el("div", W.province + ": " + n.province));
  const shown = visibleEdges();
  const groups = {supports: [], supported_by: [], partners: [], refers_to: [], referred_from: []};
  for (const e of DATA.edges) {
    if (!shown.has(e.id) || (e.from !== id && e.to !== id)) continue;
    const other = e.from === id ? e.to : e.from;
    const text = byId[other].label + " — " + edgeText(e).slice(1).join(" · ");
    if (e.layer === "referral") { groups[e.from === id ? "refers_to" : "referred_from"].push([byId[other].label, text]); continue; }
    if (e.kind === "support" && e.supporters.includes(id)) groups.supports.push([byId[other].label, text]);
    if (e.kind === "support" && e.supporters.includes(other)) groups.supported_by.push([byId[other].label, text]);
    if (e.kind !== "support") groups.partners.push([byId[other].label, text]);
  }
  for (const key of ["supports", "supported_by", "partners", "refers_to", "referred_from"]) {
    if (!groups[key].length) continue;
    box.appendChild(el("b", W[key] + " (" + groups[key].length + ")"));
    const list = el("ul"); list.id = "details-" + key.replace("_", "-");
    groups[key].sort((a, b) => fold(a[0]).localeCompare(fold(b[0]))).forEach(([_, t]) => list.appendChild(el("li", t)));
    box.appendChild(list);
  }
  const table = el("table");
  for (const m of Object.keys(DATA.measures)) {
    const v = (DATA.snapshots[snapshot].values[m] || {})[id];
    if (v == null) continue;
    const tr = el("tr"); tr.append(el("td", DATA.measures[m]), el("td", fmt(v))); table.appendChild(tr);
  }
  box.append(el("b", W.measures), table);
}

function select(id) {
  network.selectNodes([id]);
  network.focus(id, {scale: Math.max(network.getScale(), 0.9), animation: false});
  labelFloor();
  showDetails(id);
}

function search() {
  const q = fold(document.getElementById("search").value.trim()), list = document.getElementById("results");
  list.replaceChildren();
  if (!q) return [];
  const found = DATA.nodes.filter(n => fold(n.label).includes(q) || fold(n.other).includes(q))
                          .sort((a, b) => fold(a.label).localeCompare(fold(b.label)));
  if (!found.length) list.appendChild(el("li", W.no_match, "muted"));
  for (const n of found.slice(0, 12)) {
    const li = el("li"), b = el("button", n.label); b.type = "button"; b.onclick = () => select(n.id);
    li.appendChild(b); list.appendChild(li);
  }
  return found;
}

function setup() {
  document.getElementById("search-label").textContent = W.search;
  document.getElementById("snapshot-label").textContent = W.snapshot;
  document.getElementById("planned-label").textContent = W.show_planned;
  document.getElementById("size-label").textContent = W.size;
  document.getElementById("colour-label").textContent = W.colour;
  document.getElementById("legend-label").textContent = W.legend;
  document.getElementById("details").appendChild(el("p", W.help, "muted"));
  const snap = document.getElementById("snapshot");
  DATA.snapshots.forEach((s, i) => { const o = el("option", s.label); o.value = i; snap.appendChild(o); });
  snap.onchange = () => setSnapshot(Number(snap.value));
  const range = document.getElementById("snapshot-range"), ticks = document.getElementById("snapshot-ticks");
  range.max = String(DATA.snapshots.length - 1);
  range.setAttribute("aria-label", W.snapshot_date);
  DATA.snapshots.forEach((s, i) => { const o = el("option"); o.value = i; o.label = s.date || ""; ticks.appendChild(o); });
  range.oninput = () => setSnapshot(Number(range.value));
  const size = document.getElementById("size");
  for (const [m, text] of Object.entries(DATA.measures)) { const o = el("option", text); o.value = m; size.appendChild(o); }
  size.value = sizeBy;
  size.onchange = () => { sizeBy = size.value; refresh(); };
  const colour = document.getElementById("colour");
  for (const k of ["level", "kind"]) { const o = el("option", W[k]); o.value = k; colour.appendChild(o); }
  colour.value = colourBy;
  colour.onchange = () => { colourBy = colour.value; refresh(); };
  document.getElementById("planned").onchange = refresh;
  document.getElementById("layers-label").textContent = W.layers;
  for (const layer of LAYERS) {
    document.getElementById("layer-" + layer + "-label").textContent = W["layer_" + layer];
    document.getElementById("layer-" + layer + "-swatch").style.borderTopColor = COLOURS[layer];
    document.getElementById("layer-" + layer).onchange = refresh;
  }
  // a page with no referral flow (the support network alone) has no referral layer to switch
  document.getElementById("layer-referral-row").hidden = !DATA.edges.some(e => e.layer === "referral");
  const input = document.getElementById("search");
  input.oninput = search;
  input.onkeydown = ev => { if (ev.key === "Enter") { const f = search(); if (f.length) select(f[0].id); } };
  network.on("click", p => { if (p.nodes.length) showDetails(p.nodes[0]); });
  // vis-network rescales the view itself after telling of a resize: fit once it is done, before the next paint.
  network.on("resize", () => queueMicrotask(fitView));
  network.on("zoom", labelFloor);
  setSnapshot(snapshot);
  fitView();
}

// For tests and curious readers: how many visible nodes, with their labels, are drawn inside the canvas,
// and how high the labels are on screen, in pixels.
function renderedNodes() {
  const rect = document.getElementById("network").getBoundingClientRect();
  return nodes.getIds({filter: n => !n.hidden}).filter(id => {
    const b = network.getBoundingBox(id);
    const a = network.canvasToDOM({x: b.left, y: b.top}), z = network.canvasToDOM({x: b.right, y: b.bottom});
    return a.x >= 0 && a.y >= 0 && z.x <= rect.width && z.y <= rect.height;
  }).length;
}
function labelPixels() { return fontSize * network.getScale(); }
window.kg = {network, nodes, edges, select, search, setSnapshot, fitView, renderedNodes, labelPixels, entityHref,
             visibleEdges, data: DATA};
setup();
network.once("afterDrawing", () => {
  requestAnimationFrame(() => { fitView(); document.body.dataset.rendered = String(renderedNodes()); });
});
