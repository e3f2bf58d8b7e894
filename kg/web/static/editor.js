// The SPARQL editor: CodeMirror (shipped in static/vendor) over the textarea, results as a table with
// downloads. Queries go to the site's own /sparql endpoint.
(function () {
  "use strict";
  var W = JSON.parse(document.getElementById("editor-words").textContent);
  var area = document.getElementById("query");
  var editor = window.CodeMirror ? CodeMirror.fromTextArea(area, {mode: "application/sparql-query", lineNumbers: true,
    indentUnit: 2, viewportMargin: Infinity}) : null;
  function text() { return editor ? editor.getValue() : area.value; }
  document.querySelectorAll("button.example").forEach(function (b) {
    b.addEventListener("click", function () { if (editor) editor.setValue(b.dataset.query); else area.value = b.dataset.query; });
  });
  var status = document.getElementById("editor-status"), out = document.getElementById("editor-results");
  var downloads = document.getElementById("editor-downloads");
  function cell(term) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      var a = document.createElement("a");
      var base = "https://w3id.org/vnhealth/";
      a.href = term.value.indexOf(base) === 0 && term.value.indexOf("#") < 0 ? "/" + term.value.slice(base.length) : "/resource?iri=" + encodeURIComponent(term.value);
      a.textContent = term.value; td.appendChild(a);
    } else { td.textContent = term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : ""); }
    return td;
  }
  function table(data) {
    out.textContent = "";
    if (data.boolean !== undefined) { status.textContent = String(data.boolean); return; }
    var vars = data.head.vars, rows = data.results.bindings;
    status.textContent = rows.length ? rows.length + " " + W.rows : W.no_rows;
    if ((data.head.link || []).some(function (l) { return l.indexOf("capped") === 0; })) status.textContent += " · " + W.capped.replace("{n}", rows.length);
    var t = document.createElement("table"); t.className = "results";
    var head = t.createTHead().insertRow();
    vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    var body = t.createTBody();
    rows.forEach(function (r) { var tr = body.insertRow(); vars.forEach(function (v) { tr.appendChild(cell(r[v])); }); });
    out.appendChild(t);
  }
  downloads.querySelectorAll("a").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      window.location.href = "/sparql?format=" + a.dataset.format + "&query=" + encodeURIComponent(text());
    });
  });
  document.getElementById("editor-form").addEventListener("submit", function (e) {
    e.preventDefault();
    status.textContent = "…"; out.textContent = "";
    var body = new URLSearchParams(); body.set("query", text());
    fetch("/sparql", {method: "POST", body: body, headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.5"}})
      .then(function (r) {
        var type = r.headers.get("content-type") || "";
        return r.text().then(function (t) { return {ok: r.ok, type: type, text: t}; });
      })
      .then(function (r) {
        if (!r.ok) { status.textContent = W.error + ": " + r.text; downloads.hidden = true; return; }
        downloads.hidden = false;
        if (r.type.indexOf("json") >= 0) { table(JSON.parse(r.text)); }
        else { status.textContent = ""; var pre = document.createElement("pre"); pre.textContent = r.text; out.appendChild(pre); }
      })
      .catch(function (err) { status.textContent = W.error + ": " + err; });
  });
})();
