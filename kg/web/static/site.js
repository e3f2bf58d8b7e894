// Suggestions as you type, for the search box of every page and for the entity fields of the forms.
// The server folds case and diacritics (kg.graph.search_labels.fold); nothing here leaves the site.
(function () {
  "use strict";
  function attach(input) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    input.parentNode.appendChild(list);
    var items = [], active = -1, timer = null, last = "";
    function close() { list.hidden = true; active = -1; }
    function choose(item) {
      if (input.dataset.pick === "prefixed") {
        input.value = item.prefixed;
        var shown = document.getElementById(input.id + "-shown");
        if (shown) shown.textContent = item.label;
        close();
      } else {
        var lang = input.dataset.lang === "en" ? (item.href.indexOf("?") < 0 ? "?lang=en" : "&lang=en") : "";
        window.location.href = item.href + lang;
      }
    }
    function show(found) {
      items = found; active = -1;
      list.textContent = "";
      found.forEach(function (item, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.appendChild(document.createTextNode(item.label));
        var kind = document.createElement("span"); kind.className = "kind"; kind.textContent = " " + item.kindLabel; li.appendChild(kind);
        if (item.province) { var p = document.createElement("span"); p.className = "place"; p.textContent = " " + item.province; li.appendChild(p); }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
    }
    function fetchNow() {
      var text = input.value.trim();
      if (text === last) return;
      last = text;
      if (!text) { show([]); return; }
      var url = "/api/suggest?q=" + encodeURIComponent(text) + "&lang=" + (input.dataset.lang || "vi");
      if (input.dataset.suggest) url += "&kind=" + encodeURIComponent(input.dataset.suggest);
      fetch(url).then(function (r) { return r.ok ? r.json() : []; }).then(function (found) {
        if (input.value.trim() === text) show(found);
      }).catch(function () { show([]); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchNow, 120); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      var lis = list.children;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (active >= 0) lis[active].classList.remove("active");
        active = (active + (e.key === "ArrowDown" ? 1 : lis.length - 1)) % lis.length;
        lis[active].classList.add("active");
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault(); choose(items[active]);
      } else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
})();
