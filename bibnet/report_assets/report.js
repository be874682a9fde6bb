// The report's figures and keyword explorer. Every text shown comes from #report-text (the page.
// texts of the catalogue in the report's language), every label and title is data: set with
// textContent, never parsed as markup. Numbers are written as bibnet.texts.number writes them,
// with the separators of D.format (never the browser's locale); a text filled with a count may
// hold plural forms "one|few|many" (Russian), picked by the rule of bibnet.texts.plural.
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("report-text").textContent);
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var F = D.format;  // {lang, group, decimal}
  var DOI_BASE = "https://doi.org/";
  var FIRST_DOCS = 200;  // documents drawn at once; a button draws the rest (a keyword may have thousands)
  var LISTED = 100;  // keywords listed for a search or cluster; typing more narrows the list
  var LABELLED = 40;  // highlighted keywords labelled in a figure (all get a ring)
  var DIM = 0.15;  // opacity of the keywords a search or cluster filter leaves out
  var panel = document.getElementById("panel");
  var figures = [];
  var state = D.fields.map(function () { return {query: "", cluster: "", selected: -1}; });
  var decoded = D.fields.map(function () { return {}; });

  // T[key] filled with values: numbers written by number(), the form chosen by values.count.
  function say(key, values) {
    var forms = T[key].split("|"), template = forms[values && "count" in values ? form(values.count) : 0];
    return (template || forms[forms.length - 1]).replace(/\{(\w+)\}/g, function (m, k) {
      if (!values || !(k in values)) return m;
      return typeof values[k] === "number" ? number(values[k]) : String(values[k]);
    });
  }
  function form(n) {  // index of the plural form for n: bibnet.texts.plural's rule
    if (F.lang !== "ru") return n === 1 ? 0 : 1;
    if (!Number.isInteger(n)) return 1;  // 2,5 записи: a fraction takes the genitive singular
    var i = Math.abs(n);
    return i % 10 === 1 && i % 100 !== 11 ? 0 : i % 10 >= 2 && i % 10 <= 4 && !(i % 100 >= 12 && i % 100 <= 14) ? 1 : 2;
  }
  function number(n) {  // bibnet.texts.number: thousands grouped, at most 4 decimals, trailing zeros dropped
    var x = Number(n), a = Math.abs(x);
    var digits = Number.isInteger(x) ? String(a) : a.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
    var parts = digits.split(".");
    return (x < 0 ? "-" : "") + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, F.group) + (parts[1] ? F.decimal + parts[1] : "");
  }
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "data") Object.keys(props.data).forEach(function (d) { node.dataset[d] = props.data[d]; });
      else if (k === "on") node.addEventListener("click", props.on);
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  // plotly draws text through its own little markup language: entities keep labels literal.
  function plotlyText(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }

  // -- data ---------------------------------------------------------------------------------
  function documents(f, k) {  // rows of the shared document table, ascending
    if (!decoded[f][k]) {
      var deltas = D.fields[f].docs[k], rows = new Array(deltas.length), v = 0;
      for (var i = 0; i < deltas.length; i++) { v += deltas[i]; rows[i] = v; }
      decoded[f][k] = rows;
    }
    return decoded[f][k];
  }
  function both(a, b) {  // records holding both keywords: the intersection of two sorted lists
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }
  function matches(f) {  // keywords of the search and cluster filter, most frequent first
    var s = state[f], field = D.fields[f], query = s.query.trim().toLowerCase(), out = [];
    if (!query && s.cluster === "") return null;
    for (var k = 0; k < field.labels.length; k++) {
      if (s.cluster !== "" && field.clusters[k] !== +s.cluster) continue;
      if (query && field.labels[k].toLowerCase().indexOf(query) < 0) continue;
      out.push(k);
    }
    return out.sort(function (a, b) { return field.occurrences[b] - field.occurrences[a] || a - b; });
  }

  // -- figures ------------------------------------------------------------------------------
  document.querySelectorAll("div.figure").forEach(function (div) {
    var spec = JSON.parse(document.getElementById(div.id + "-data").textContent);
    Plotly.newPlot(div, spec.data, spec.layout, {displaylogo: false, responsive: true});
    if (div.dataset.field === undefined) return;
    var fig = {div: div, field: +div.dataset.field, markers: [], opacity: [], others: [], highlight: -1, where: {}};
    div._fullData.forEach(function (t) {  // decoded arrays: the JSON holds them base64-encoded
      if (t.name === "highlight") fig.highlight = t.index;
      else if (t.customdata && t.mode === "markers") {
        fig.markers.push(t.index);
        fig.opacity.push(t.marker.opacity);
        for (var p = 0; p < t.customdata.length; p++) {
          var size = t.marker.size.length !== undefined ? t.marker.size[p] : t.marker.size;
          if (t.customdata[p] >= 0) fig.where[t.customdata[p]] = [t.x[p], t.y[p], size];
        }
      } else fig.others.push(t.index);
    });
    div.on("plotly_click", function (e) {
      var p = e.points && e.points[0];
      if (p && typeof p.customdata === "number" && p.customdata >= 0) openKeyword(fig.field, p.customdata);
    });
    figures.push(fig);
  });

  function highlight(f) {
    var list = matches(f), s = state[f], field = D.fields[f];
    var shown = (list || []).slice();
    if (s.selected >= 0 && shown.indexOf(s.selected) < 0) shown.unshift(s.selected);
    var on = {};
    shown.forEach(function (k) { on[k] = true; });
    figures.forEach(function (fig) {
      if (fig.field !== f || fig.highlight < 0) return;
      var data = fig.div._fullData, x = [], y = [], size = [], text = [], ids = [];
      shown.forEach(function (k, n) {
        var w = fig.where[k];
        if (!w) return;
        x.push(w[0]); y.push(w[1]); size.push(w[2] + 8); ids.push(k);
        text.push(n < LABELLED || k === s.selected ? plotlyText(field.labels[k]) : "");
      });
      // One restyle per figure (one redraw): undefined leaves a trace's attribute as it is.
      var n = data.length, update = {x: [], y: [], text: [], customdata: [], "marker.size": [], "marker.opacity": [], opacity: []};
      for (var i = 0; i < n; i++) Object.keys(update).forEach(function (key) { update[key].push(undefined); });
      [["x", x], ["y", y], ["text", text], ["customdata", ids], ["marker.size", size]].forEach(function (pair) {
        update[pair[0]][fig.highlight] = pair[1];
      });
      fig.markers.forEach(function (i, m) {  // no filter, or invisible carriers of hover texts: as drawn
        update["marker.opacity"][i] = !list || !fig.opacity[m] ? fig.opacity[m]
          : data[i].customdata.map(function (k) { return on[k] ? fig.opacity[m] : DIM; });
      });
      fig.others.forEach(function (i) { update.opacity[i] = list ? 0.35 : 1; });
      Plotly.restyle(fig.div, update);
    });
  }

  // -- explorer -----------------------------------------------------------------------------
  document.querySelectorAll("section.explore").forEach(function (section) {
    var f = +section.dataset.field, field = D.fields[f], sizes = {};
    field.clusters.forEach(function (c) { sizes[c] = (sizes[c] || 0) + 1; });
    var search = el("input", {type: "search", placeholder: T.search_placeholder, "aria-label": T.search, autocomplete: "off"});
    var select = el("select", {"aria-label": T.all_clusters}, [el("option", {value: "", text: T.all_clusters})]);
    Object.keys(sizes).map(Number).sort(function (a, b) { return (a || Infinity) - (b || Infinity); }).forEach(function (c) {
      select.appendChild(el("option", {value: String(c),
        text: c ? say("cluster", {n: String(c), count: sizes[c]}) : say("no_cluster", {count: sizes[c]})}));
    });
    var count = el("p", {class: "count"}), list = el("ol", {class: "matches"});
    section.appendChild(el("div", {class: "controls"}, [search, select]));
    section.appendChild(count);
    section.appendChild(list);
    function update() {
      state[f].query = search.value;
      state[f].cluster = select.value;
      var found = matches(f);
      list.textContent = "";
      count.textContent = "";
      if (found) {
        count.textContent = found.length ? say("matches", {count: found.length}) : T.no_match;
        count.dataset.count = found.length;
        found.slice(0, LISTED).forEach(function (k) {
          list.appendChild(el("li", {}, [el("button", {class: "keyword", type: "button", text: field.labels[k],
            title: say("occurrences", {count: field.occurrences[k]}), data: {keyword: k},
            on: function () { openKeyword(f, k); }})]));
        });
        if (found.length > LISTED) list.appendChild(el("li", {class: "more-matches", text: say("more_matches", {count: found.length - LISTED})}));
      }
      highlight(f);
    }
    var typing = 0;  // redraw once typing pauses, not at every key: each redraw restyles the field's figures
    search.addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(update, 150); });
    select.addEventListener("change", update);
  });

  // -- the panel: a keyword's or a link's documents --------------------------------------------
  function open(children) {
    panel.textContent = "";
    panel.appendChild(el("button", {class: "close", type: "button", title: T.close, "aria-label": T.close, text: "\u00d7",
      on: close}));
    children.forEach(function (c) { panel.appendChild(c); });
    panel.hidden = false;
    panel.scrollTop = 0;
  }
  function close() {
    panel.hidden = true;
    state.forEach(function (s, f) { if (s.selected >= 0) { s.selected = -1; highlight(f); } });
  }
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) close(); });

  function openKeyword(f, k) {
    var field = D.fields[f], cluster = field.clusters[k];
    var meta = cluster ? say("keyword_meta", {field: field.name, cluster: String(cluster), count: field.occurrences[k]})
      : say("keyword_meta_none", {field: field.name, count: field.occurrences[k]});
    var links = el("ol", {class: "links"});
    field.links[k].forEach(function (j, n) {
      links.appendChild(el("li", {}, [el("button", {class: "link", type: "button", data: {keyword: j},
        text: say("link_item", {label: field.labels[j], strength: field.strengths[k][n]}),
        on: function () { openLink(f, k, n); }})]));
    });
    open([el("h3", {text: field.labels[k]}), el("p", {class: "note", text: meta}),
      el("h4", {text: T.links}), field.links[k].length ? el("p", {class: "note", text: T.links_help}) : null,
      field.links[k].length ? links : el("p", {text: T.no_links})].filter(Boolean)
      .concat(documentList(documents(f, k))));
    if (state[f].selected !== k) { state[f].selected = k; highlight(f); }
  }

  function openLink(f, k, n) {
    var field = D.fields[f], j = field.links[k][n], rows = both(documents(f, k), documents(f, j));
    var values = {count: rows.length, strength: field.strengths[k][n]};
    open([el("h3", {text: say("link_title", {a: field.labels[k], b: field.labels[j]})}),
      el("p", {class: "note", text: say(field.counting === "full" ? "link_full" : "link_fractional", values)}),
      el("button", {class: "keyword back", type: "button", text: say("back", {label: field.labels[k]}),
        on: function () { openKeyword(f, k); }})].concat(documentList(rows)));
  }

  function documentList(rows) {
    var docs = D.docs, cites = docs.cites || [], years = docs.year || [];
    var sorted = rows.slice().sort(function (a, b) {  // most cited first, then newest, then table order
      return (cites[b] || 0) - (cites[a] || 0) || (years[b] || 0) - (years[a] || 0) || a - b;
    });
    var list = el("ol", {class: "docs"});
    var more = el("button", {class: "keyword more", type: "button", text: say("show_all", {count: rows.length}),
      on: function () { draw(sorted.length); more.remove(); }});
    function draw(upto) {
      for (var n = list.children.length; n < upto; n++) list.appendChild(documentItem(sorted[n]));
    }
    draw(Math.min(FIRST_DOCS, sorted.length));
    return [el("h4", {class: "doc-count", data: {count: rows.length}, text: say("documents", {count: rows.length})}),
      list, sorted.length > FIRST_DOCS ? more : null].filter(Boolean);
  }

  function documentItem(r) {
    var d = D.docs, meta = el("div", {class: "meta"});
    if (d.year && d.year[r] != null) meta.appendChild(el("span", {text: String(d.year[r])}));
    if (d.source && d.source[r]) meta.appendChild(el("span", {text: d.source[r]}));
    if (d.cites && d.cites[r] != null) meta.appendChild(el("span", {text: say("cites", {count: d.cites[r]})}));
    if (d.doi && d.doi[r]) {
      var path = d.doi[r].split("/").map(encodeURIComponent).join("/");  // a DOI is a path, never a scheme
      meta.appendChild(el("a", {href: DOI_BASE + path, target: "_blank", rel: "noopener noreferrer",
        text: say("doi", {doi: d.doi[r]})}));
    }
    return el("li", {data: {doc: r}}, [el("div", {class: "title", text: (d.title && d.title[r]) || T.untitled}), meta]);
  }
})();
