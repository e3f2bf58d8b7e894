"use strict";
const DATA = JSON.parse(document.getElementById("kg-data").textContent);
const W = DATA.words, NS = "http://www.w3.org/2000/svg";
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; };
function svg(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}
const SITES = Object.fromEntries(DATA.sites.map(s => [s.id, s]));
const PROVINCES = {};
for (const layer of DATA.layers) for (const p of DATA.provinces[layer]) PROVINCES[p.id] = p;
// The layer follows the snapshot's date (the country of that day) until the reader chooses one; a layer given
// when the page was written is chosen from the start.
let snapshot = DATA.initial, colourBy = DATA.colourBy, chosen = DATA.layer || null, selected = null;
let layer = chosen || DATA.snapshots[snapshot].layer;

// The colours of kg.network.map_style.support_colour: by role, or a shade of the role's colour by the links given
// or received (a quarter of it up to the full colour at the most of any node drawn); grey for none.
function shade(colour, strength) {
  return "#" + [1, 3, 5].map(i => {
    const c = parseInt(colour.slice(i, i + 2), 16);
    return Math.floor(255 + (c - 255) * strength + 0.5).toString(16).toUpperCase().padStart(2, "0");
  }).join("");
}
function supportColour(given, received, by, top) {
  const C = DATA.roleColours;
  if (by === "role") return C[given && received ? "both" : given ? "given" : received ? "received" : "none"];
  const value = by === "given" ? given : received;
  return value ? shade(C[by], 0.25 + 0.75 * value / top) : C.none;
}
const siteSize = (g, r) => 4 + 1.5 * Math.sqrt(g + r);  // as kg.network.map_page.site_size
const provinceSize = (g, r) => 8 + 2 * Math.sqrt(g + r);  // and province_size
function entityHref(id) {
  const base = DATA.entityBase, ns = DATA.entityNamespace;
  if (base == null || !ns || !id.startsWith(ns) || id.length === ns.length) return null;
  return base.replace(/\/+$/, "") + "/" + id.slice(ns.length);
}
const fmt = v => Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);

// --- the scene: the graticule, then one group per layer with its links, provinces and institutions ---------
const map = document.getElementById("map");
const VIEW = [0, 0, DATA.width, DATA.height];
map.setAttribute("viewBox", VIEW.join(" "));
map.setAttribute("aria-label", DATA.title);
const defs = svg("defs");
defs.appendChild(svg("marker", {id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 5, markerHeight: 5,
                                 orient: "auto-start-reverse"})).appendChild(svg("path", {d: "M0,0 L10,5 L0,10 z", fill: "#555555"}));
map.appendChild(defs);
const grid = map.appendChild(svg("g", {class: "graticule"}));
for (const g of DATA.graticule) {
  if (g.kind === "lon") {
    grid.appendChild(svg("line", {x1: g.at, y1: 0, x2: g.at, y2: DATA.height}));
    grid.appendChild(svg("text", {x: g.at + 2, y: DATA.height - 4}, g.label));
  } else {
    grid.appendChild(svg("line", {x1: 0, y1: g.at, x2: DATA.width, y2: g.at}));
    grid.appendChild(svg("text", {x: 2, y: g.at - 2}, g.label));
  }
}
const groups = {};
for (const name of DATA.layers) {
  const g = map.appendChild(svg("g", {id: "layer-" + name, class: "layer"}));
  const links = g.appendChild(svg("g", {class: "links"})), provinces = g.appendChild(svg("g", {class: "provinces"}));
  const sites = g.appendChild(svg("g", {class: "sites"}));
  for (const p of DATA.provinces[name]) {
    const node = provinces.appendChild(svg("g", {class: "province", "data-id": p.id, "data-lon": p.lon, "data-lat": p.lat}));
    node.appendChild(svg("circle", {cx: p.x, cy: p.y, r: 6}));
    node.appendChild(svg("text", {x: p.x + 8, y: p.y + 3}, p.short));
    node.appendChild(svg("title", {}, p.label));
    node.onclick = ev => { ev.stopPropagation(); showProvince(p.id); };
  }
  for (const s of DATA.sites) {
    const at = s.layers[name];
    if (!at) continue;
    const node = sites.appendChild(svg("g", {class: "site", "data-id": s.id, "data-lon": at.lon, "data-lat": at.lat,
                                             "data-ax": at.ax, "data-ay": at.ay}));
    if (at.x !== at.ax || at.y !== at.ay) node.appendChild(svg("line", {x1: at.ax, y1: at.ay, x2: at.x, y2: at.y}));
    node.appendChild(svg("circle", {cx: at.x, cy: at.y, r: 3}));
    node.appendChild(svg("title", {}, s.label));
    node.onclick = ev => { ev.stopPropagation(); showSite(s.id); };
  }
  for (const e of DATA.edges) {
    const a = SITES[e.from].layers[name], b = SITES[e.to].layers[name];
    if (!a || !b) continue;
    // a support link runs from the supporter; a partnership has no arrow
    const [p, q] = e.kind === "support" && !e.supporters.includes(e.from) ? [b, a] : [a, b];
    const colour = e.kind === "support" ? DATA.edgeColours[e.state === "active" ? "support" : e.state] : DATA.edgeColours.partnership;
    const attrs = {x1: p.x, y1: p.y, x2: q.x, y2: q.y, "data-id": e.id, stroke: colour};
    if (e.kind === "support") attrs["marker-end"] = "url(#arrow)";
    if (e.state === "planned") attrs["stroke-dasharray"] = "4 3";
    if (e.state === "ended") attrs["stroke-dasharray"] = "1 2";
    links.appendChild(svg("line", attrs));
  }
  groups[name] = g;
}

// --- what the snapshot and the controls change ------------------------------------------------------------
function values(id) {
  const snap = DATA.snapshots[snapshot];
  return [snap.given[id] || 0, snap.received[id] || 0];
}
function provinceValues(id, name) { return (DATA.snapshots[snapshot].provinces[name] || {})[id] || [0, 0, 0]; }
function tops() {
  const snap = DATA.snapshots[snapshot];
  const max = xs => Math.max(0, ...xs);
  const out = {sites: {given: max(Object.values(snap.given)), received: max(Object.values(snap.received))}, provinces: {}};
  for (const name of DATA.layers) {
    const shown = DATA.provinces[name].map(p => provinceValues(p.id, name));
    out.provinces[name] = {given: max(shown.map(v => v[0])), received: max(shown.map(v => v[1]))};
  }
  return out;
}
function colourOf(id, name) {
  const top = tops();
  if (SITES[id]) { const [g, r] = values(id); return supportColour(g, r, colourBy, top.sites[colourBy] || 1); }
  const [g, r] = provinceValues(id, name || layer);
  return supportColour(g, r, colourBy, top.provinces[name || layer][colourBy] || 1);
}
function inForce() {
  const snap = DATA.snapshots[snapshot], kept = new Set(snap.links);
  const links = document.getElementById("links").checked, planned = document.getElementById("planned").checked;
  return new Set(DATA.edges.filter(e => links && e.links.some(i => kept.has(i)) && (planned || e.state !== "planned")).map(e => e.id));
}

function refresh() {
  const top = tops(), shown = inForce();
  for (const name of DATA.layers) {
    groups[name].style.display = name === layer ? "" : "none";
    for (const node of groups[name].querySelectorAll(".province")) {
      const [g, r] = provinceValues(node.dataset.id, name), circle = node.querySelector("circle");
      const c = supportColour(g, r, colourBy, top.provinces[name][colourBy] || 1);
      circle.setAttribute("fill", c); circle.setAttribute("stroke", c); circle.setAttribute("r", provinceSize(g, r));
      node.querySelector("text").setAttribute("x", Number(circle.getAttribute("cx")) + provinceSize(g, r) + 2);
    }
    for (const node of groups[name].querySelectorAll(".site")) {
      const [g, r] = values(node.dataset.id), circle = node.querySelector("circle");
      circle.setAttribute("fill", supportColour(g, r, colourBy, top.sites[colourBy] || 1));
      circle.setAttribute("r", siteSize(g, r));
    }
    for (const line of groups[name].querySelectorAll(".links line")) line.style.display = shown.has(line.dataset.id) ? "" : "none";
  }
  document.getElementById("show-" + layer).checked = true;
  const placed = DATA.sites.filter(s => s.layers[layer]).length;
  document.getElementById("status").textContent = DATA.provinces[layer].length + " " + W.provinces + " · " + placed + " "
    + W.institutions + " " + W.on_map + " · " + DATA.snapshots[snapshot].label;
  drawLegend();
  drawUnplaced();
  if (selected) (SITES[selected] ? showSite : showProvince)(selected);
}

function drawLegend() {
  const box = document.getElementById("legend");
  box.replaceChildren();
  const row = (colour, text) => { const r = el("div"), d = el("span", null, "dot"); d.style.background = colour; r.append(d, el("span", text)); box.appendChild(r); };
  if (colourBy === "role") {
    for (const key of ["given", "received", "both", "none"]) row(DATA.roleColours[key], W["role_" + key]);
  } else {
    const top = tops().sites[colourBy];
    row(DATA.roleColours.none, "0");
    if (top) { row(supportColour(1, 1, colourBy, top), "1"); if (top > 1) row(supportColour(top, top, colourBy, top), fmt(top)); }
  }
  const lines = [[W.legend_support, DATA.edgeColours.support, "solid"], [W.legend_partnership, DATA.edgeColours.partnership, "solid"],
                 [W.legend_planned, DATA.edgeColours.planned, "dashed"], [W.legend_ended, DATA.edgeColours.ended, "dotted"]];
  for (const [text, colour, style] of lines) {
    const r = el("div"), l = el("span", null, "line"); l.style.borderTop = "2px " + style + " " + colour; r.append(l, el("span", text)); box.appendChild(r);
  }
  box.appendChild(el("span", W.size_note, "note"));
  if (!DATA.provinces.before.length && !DATA.provinces.after.length && !DATA.sites.some(s => s.layers.before || s.layers.after))
    box.appendChild(el("span", W.no_points, "note"));
}

function drawUnplaced() {
  const list = document.getElementById("unplaced");
  list.replaceChildren();
  const rows = DATA.unplaced[layer].map(([label, why]) => label + " (" + W["unplaced_" + why] + ")");
  if (DATA.missing[layer].length) rows.push(W.no_point_provinces + ": " + DATA.missing[layer].join(", "));
  rows.forEach(t => list.appendChild(el("li", t)));
  document.getElementById("unplaced-box").hidden = !rows.length;
}

function heading(box, id, text) {
  const h = el("h2"), href = entityHref(id);
  if (href) { const a = el("a", text); a.href = href; a.id = "details-link"; h.appendChild(a); } else h.textContent = text;
  box.appendChild(h);
}
function mark(id) {
  selected = id;
  for (const node of map.querySelectorAll(".selected")) node.classList.remove("selected");
  for (const node of map.querySelectorAll("[data-id]")) if (node.dataset.id === id) node.classList.add("selected");
}
function showSite(id) {
  const s = SITES[id], at = s.layers[layer], box = document.getElementById("details"), [g, r] = values(id);
  mark(id);
  box.replaceChildren();
  heading(box, id, s.label);
  if (s.other && s.other !== s.label) box.appendChild(el("div", s.other, "muted"));
  if (s.level) box.appendChild(el("div", W.level + ": " + (W[s.level] || s.level) + (s.kind ? " · " + (W[s.kind] || s.kind) : "")));
  if (at) {
    const p = PROVINCES[at.province];
    if (p) box.appendChild(el("div", W.province + ": " + p.label));
    box.appendChild(el("div", at.atLabel + " (" + at.lon + ", " + at.lat + ")"));
  }
  box.appendChild(el("div", W.given + ": " + fmt(g) + " · " + W.received + ": " + fmt(r)));
}
function showProvince(id) {
  const p = PROVINCES[id], box = document.getElementById("details"), [g, r, n] = provinceValues(id, layer);
  mark(id);
  box.replaceChildren();
  heading(box, id, p.label);
  if (p.other && p.other !== p.label) box.appendChild(el("div", p.other, "muted"));
  box.appendChild(el("div", "(" + p.lon + ", " + p.lat + ")", "muted"));
  if (p.mergedInto.length) box.appendChild(el("div", W.merged_into + ": " + p.mergedInto.join(", ")));
  box.appendChild(el("div", W.given + ": " + fmt(g) + " · " + W.received + ": " + fmt(r)));
  const members = DATA.sites.filter(s => s.layers[layer] && s.layers[layer].province === id);
  box.appendChild(el("b", W.institutions + " (" + n + ")"));
  const list = el("ul"); list.id = "details-institutions";
  for (const s of members) { const [sg, sr] = values(s.id); list.appendChild(el("li", s.label + " — " + fmt(sg) + " / " + fmt(sr))); }
  box.appendChild(list);
}

function setSnapshot(i) {
  snapshot = i;
  if (!chosen) layer = DATA.snapshots[i].layer;
  document.getElementById("snapshot").value = String(i);
  document.getElementById("snapshot-range").value = String(i);
  document.getElementById("snapshot-value").textContent = DATA.snapshots[i].label;
  refresh();
}
function setLayer(name) { chosen = layer = name; refresh(); }

// --- zoom and move, by changing the view box -----------------------------------------------------------
let view = VIEW.slice(), drag = null;
function setView(v) { view = v; map.setAttribute("viewBox", v.join(" ")); }
function toMap(ev) {
  const box = map.getBoundingClientRect(), s = Math.max(view[2] / box.width, view[3] / box.height);
  const ox = (box.width * s - view[2]) / 2, oy = (box.height * s - view[3]) / 2;
  return [view[0] - ox + (ev.clientX - box.left) * s, view[1] - oy + (ev.clientY - box.top) * s, s];
}
map.addEventListener("wheel", ev => {
  ev.preventDefault();
  const [x, y] = toMap(ev), f = ev.deltaY < 0 ? 0.8 : 1.25;
  const w = Math.min(Math.max(view[2] * f, DATA.width / 40), DATA.width * 2), h = w * DATA.height / DATA.width;
  setView([x - (x - view[0]) * w / view[2], y - (y - view[1]) * h / view[3], w, h]);
}, {passive: false});
map.addEventListener("pointerdown", ev => { drag = [ev.clientX, ev.clientY, view.slice()]; });
map.addEventListener("pointermove", ev => {
  if (!drag) return;
  const [, , s] = toMap(ev);
  setView([drag[2][0] - (ev.clientX - drag[0]) * s, drag[2][1] - (ev.clientY - drag[1]) * s, view[2], view[3]]);
});
for (const name of ["pointerup", "pointerleave"]) map.addEventListener(name, () => { drag = null; });

function setup() {
  document.getElementById("snapshot-label").textContent = W.snapshot;
  document.getElementById("layers-label").textContent = W.geography;
  for (const name of DATA.layers) {
    const count = DATA.provinces[name].length + DATA.missing[name].length;
    document.getElementById("show-" + name + "-label").textContent = W["layer_" + name] + " (" + count + " " + W.provinces + ")";
    document.getElementById("show-" + name).onchange = () => setLayer(name);
  }
  document.getElementById("colour-label").textContent = W.colour;
  document.getElementById("links-label").textContent = W.show_links;
  document.getElementById("planned-label").textContent = W.show_planned;
  document.getElementById("legend-label").textContent = W.legend;
  document.getElementById("unplaced-label").textContent = W.unplaced;
  document.getElementById("reset").textContent = W.reset;
  document.getElementById("reset").onclick = () => setView(VIEW.slice());
  document.getElementById("details").appendChild(el("p", W.map_help, "muted"));
  const snap = document.getElementById("snapshot");
  DATA.snapshots.forEach((s, i) => { const o = el("option", s.label); o.value = i; snap.appendChild(o); });
  snap.onchange = () => setSnapshot(Number(snap.value));
  const range = document.getElementById("snapshot-range");
  range.max = String(DATA.snapshots.length - 1);
  range.setAttribute("aria-label", W.snapshot_date);
  range.oninput = () => setSnapshot(Number(range.value));
  const colour = document.getElementById("colour");
  for (const k of DATA.colourModes) { const o = el("option", W["colour_" + k]); o.value = k; colour.appendChild(o); }
  colour.value = colourBy;
  colour.onchange = () => { colourBy = colour.value; refresh(); };
  document.getElementById("links").onchange = refresh;
  document.getElementById("planned").onchange = refresh;
  setSnapshot(snapshot);
}

// For tests and curious readers: the layer shown, and the nodes drawn in it.
function drawn() {
  const g = groups[layer];
  return {provinces: [...g.querySelectorAll(".province")].map(n => n.dataset.id),
          sites: [...g.querySelectorAll(".site")].map(n => n.dataset.id),
          links: [...g.querySelectorAll(".links line")].filter(l => l.style.display !== "none").map(l => l.dataset.id)};
}
window.kg = {data: DATA, setSnapshot, setLayer, layer: () => layer, colourOf, supportColour, drawn, showSite, showProvince};
setup();
document.body.dataset.rendered = String(map.querySelectorAll("#layer-" + layer + " circle").length);
