// policycheck evidence report: the overview's filters, and on a notice's page the highlighting of
// the quotes a finding rests on and of the facts a quote belongs to. Nothing is fetched: the
// pages work from the file system, and everything here only reads and styles the page itself.
"use strict";

(function () {
  function ids(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  // --- Overview: filters by law, severity and status, without reloading --------------------
  function setUpFilters() {
    var form = document.getElementById("filters");
    var table = document.getElementById("matrix");
    if (!form || !table) return;
    form.hidden = false;
    var lead = Number(table.dataset.lead);
    var heads = Array.prototype.slice.call(table.querySelectorAll("tr.ids th"));
    var groups = Array.prototype.slice.call(table.querySelectorAll("tr.laws th[data-first], tr.articles th[data-first]"));
    var rows = Array.prototype.slice.call(table.querySelectorAll("table.rows tbody tr"));
    var style = document.createElement("style");
    document.head.appendChild(style);
    var shown = document.getElementById("shown");
    var filtered = false;  // whether a filter has been applied since the page was opened

    function checked(name) {
      var out = {};
      form.querySelectorAll("input[name=" + name + "]").forEach(function (box) {
        out[box.value] = box.checked;
      });
      return out;
    }

    function apply() {
      var laws = checked("law"), severities = checked("severity"), statuses = checked("status");
      var visible = heads.map(function (th) {
        return laws[th.dataset.law] !== false && severities[th.dataset.severity] !== false;
      });
      var rules = [];
      visible.forEach(function (on, i) {
        if (!on) {
          rules.push("#matrix tr.ids > :nth-child(" + (i + 1) + ")");
          rules.push("#matrix table.rows tr > :nth-child(" + (lead + i + 1) + ")");
        }
      });
      style.textContent = rules.length ? rules.join(",\n") + " { display: none; }" : "";
      groups.forEach(function (th) {
        var first = Number(th.dataset.first), span = Number(th.dataset.span), count = 0;
        for (var i = first; i < first + span; i++) if (visible[i]) count++;
        th.hidden = count === 0;
        th.colSpan = Math.max(count, 1);
      });
      Object.keys(statuses).forEach(function (s) {
        table.classList.toggle("hide-" + s, !statuses[s]);
      });
      var count = 0;
      var everything = Array.prototype.every.call(
        form.querySelectorAll("input"), function (box) { return box.checked; });
      if (everything && !filtered) {
        // As the page was written: nothing to hide, and no need to visit every cell (a report
        // of a thousand notices has a hundred thousand).
        shown.textContent = "Showing all " + rows.length + " notices and " + heads.length + " obligations.";
        return;
      }
      filtered = true;
      rows.forEach(function (row) {
        var cells = row.cells, keep = false;
        for (var i = 0; i < visible.length && !keep; i++) {
          if (visible[i] && statuses[cells[lead + i].className]) keep = true;
        }
        row.hidden = !keep;
        if (keep) count++;
      });
      var columns = visible.filter(Boolean).length;
      shown.textContent = "Showing " + count + " of " + rows.length + " notices and " +
        columns + " of " + heads.length + " obligations.";
    }

    form.addEventListener("change", apply);
    apply();
  }

  // --- A notice's page: what the reader arrived at is highlighted ----------------------------
  var current = [];

  function clear() {
    current.forEach(function (el) { el.classList.remove("current"); });
    current = [];
  }

  function highlightQuotes(quoteIds) {
    quoteIds.forEach(function (q) {
      document.querySelectorAll("mark.q-" + q).forEach(function (mark) {
        mark.classList.add("current");
        current.push(mark);
      });
    });
  }

  function highlightFacts(quoteIds) {
    document.querySelectorAll(".fact[data-quotes]").forEach(function (fact) {
      var cited = ids(fact.dataset.quotes);
      if (quoteIds.some(function (q) { return cited.indexOf(q) >= 0; })) {
        fact.classList.add("current");
        current.push(fact);
      }
    });
  }

  var pending = null;  // the quotes of the link just followed to a fact

  function onTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) return;
    if (target.classList.contains("outcome") || target.classList.contains("finding")) {
      clear();
      highlightQuotes(ids(target.dataset.quotes));
    } else if (target.classList.contains("fact")) {
      clear();
      if (pending) {
        // Every fact citing the words followed, not only the one the link leads to.
        highlightFacts(pending);
        highlightQuotes(pending);
      } else {
        target.classList.add("current");
        current.push(target);
        highlightQuotes(ids(target.dataset.quotes));
      }
    }
    pending = null;
  }

  function setUpQuotes() {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("mark.q a[data-q]");
      if (!link) return;
      pending = ids(link.dataset.q);
      if (link.hash === location.hash) onTarget();  // no hashchange will come
    });
    window.addEventListener("hashchange", onTarget);
    onTarget();
  }

  function start() {
    setUpFilters();
    if (document.body.classList.contains("notice")) setUpQuotes();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
