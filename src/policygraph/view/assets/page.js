/* policygraph view: builds the vis-network from the JSON data block, with a class filter and a
   search box. Document text is only ever put into the page with textContent, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  // For scripts and tests: the network, when it was first drawn, how many searches ran.
  window.policygraphView = { searches: 0, search: function (step) { search(step); } };

  function div(className, text) {
    var el = document.createElement("div");
    el.className = className;
    el.textContent = text;
    return el;
  }

  // vis-network shows a string title as HTML in some versions; an element is always safe.
  function tooltip(tip) {
    var box = document.createElement("div");
    box.appendChild(div("pg-tip-title", tip.heading));
    tip.rows.forEach(function (row) { box.appendChild(div("pg-tip-row", row)); });
    (tip.sources || []).forEach(function (s) { box.appendChild(div("pg-tip-source", s)); });
    return box;
  }

  // The tooltip's rows stay on the node (as n.info) for the details panel.
  data.nodes.forEach(function (n) { n.info = n.tip; n.title = tooltip(n.tip); delete n.tip; });
  data.edges.forEach(function (e) { e.title = tooltip(e.tip); delete e.tip; });

  var byId = {};
  var classOf = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; classOf[n.id] = n.cls; });
  var hidden = {};
  // Nodes a double-click brought back although their class is unticked.
  var revealed = {};
  // The year range: a node with a year (a target's deadline, a statistic's reference year, a
  // policy's issue year) outside it is hidden; nodes without one always stay.
  var yearFrom = document.getElementById("pg-year-from");
  var yearTo = document.getElementById("pg-year-to");
  function bound(input) { return input && input.value !== "" ? Number(input.value) : NaN; }
  function inYears(id) {
    var n = byId[id];
    var y = n ? n.year : undefined;
    if (typeof y !== "number") { return true; }
    var low = bound(yearFrom);
    var high = bound(yearTo);
    return !(y < low) && !(y > high);
  }
  function shown(id) {
    return (!hidden[classOf[id]] || revealed[id] === true) && inYears(id);
  }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shown(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return shown(e.from) && shown(e.to); }
  });
  var container = document.getElementById("pg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);

  function refresh() { nodeView.refresh(); edgeView.refresh(); }

  var yearStatus = document.getElementById("pg-year-status");
  function yearsChanged() {
    refresh();
    var out = nodes.getIds().filter(function (id) { return !inYears(id); }).length;
    yearStatus.textContent = out ? "隐藏 hidden: " + out : "";
  }
  [yearFrom, yearTo].forEach(function (input) {
    if (input) { input.addEventListener("input", yearsChanged); }
  });

  var boxes = document.querySelectorAll("#pg-legend input[data-cls]");
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () {
      var cls = box.getAttribute("data-cls");
      hidden[cls] = !box.checked;
      Object.keys(revealed).forEach(function (id) {
        if (classOf[id] === cls) { delete revealed[id]; }
      });
      refresh();
    });
  });

  var status = document.getElementById("pg-status");
  var input = document.getElementById("pg-search");
  var list = document.getElementById("pg-labels");
  var seen = {};
  var names = [];
  data.nodes.forEach(function (n) { names.push(n.fullLabel); (n.alt || []).forEach(function (a) { names.push(a); }); });
  names.sort().forEach(function (label) {
    if (seen[label]) { return; }
    seen[label] = true;
    var option = document.createElement("option");
    option.value = label;
    list.appendChild(option);
  });

  // Each animation frame redraws every node: past a couple of hundred, a 400 ms animation
  // takes a second or more on a busy machine, so the view jumps instead.
  var animate = data.nodes.length <= 200;
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, {
      scale: 1.4,
      animation: animate ? { duration: 400, easingFunction: "easeInOutQuad" } : false
    });
    showDetails(id);
  }

  // Search covers labels and other labels (习近平总书记 finds 习近平). Exact matches come first;
  // Enter (or ▶) steps to the next match, Shift+Enter (or ◀) to the previous one.
  var matches = [];
  var at = -1;
  var lastQuery = null;
  function findAll(query) {
    var exact = [];
    var partial = [];
    data.nodes.forEach(function (n) {
      var names = [n.fullLabel].concat(n.alt || []).map(function (x) { return x.toLowerCase(); });
      if (n.id.toLowerCase() === query || names.indexOf(query) !== -1) { exact.push(n); }
      else if (names.some(function (x) { return x.indexOf(query) !== -1; })) { partial.push(n); }
    });
    partial.sort(function (a, b) {
      return a.fullLabel.length - b.fullLabel.length || (a.fullLabel < b.fullLabel ? -1 : 1);
    });
    return exact.concat(partial);
  }

  function search(step) {
    window.policygraphView.searches += 1;
    var query = input.value.trim().toLowerCase();
    if (!query) { status.textContent = ""; return; }
    if (query !== lastQuery) { matches = findAll(query); at = -1; lastQuery = query; }
    var visible = matches.filter(function (n) { return shown(n.id); });
    var elsewhere = matches.length - visible.length;
    var classes = {};
    matches.forEach(function (n) { if (!shown(n.id)) { classes[n.cls] = true; } });
    var where = Object.keys(classes).sort().join(", ");
    if (!visible.length) {
      status.textContent = elsewhere
        ? "只在隐藏的类别中 found only in hidden classes: " + where + " (" + elsewhere +
          "); tick it in the legend"
        : "未找到 not found";
      return;
    }
    at = (at + (step || 1) + visible.length) % visible.length;
    if (at < 0) { at = 0; }
    var hit = visible[at];
    focusNode(hit.id);
    var text = visible.length > 1 ? (at + 1) + " / " + visible.length + " 个匹配 matches" : "";
    if (hit.fullLabel.toLowerCase().indexOf(query) === -1) {
      text += (text ? " · " : "") + "别名 also known as: " + hit.fullLabel;
    }
    if (elsewhere) {
      text += (text ? " · " : "") + "+" + elsewhere + " in hidden classes: " + where;
    }
    status.textContent = text;
  }

  // Enter alone: a "change" listener as well would search twice for one Enter.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      search(event.shiftKey ? -1 : 1);
    }
  });
  // Picking a suggestion from the list is an input event without typing.
  input.addEventListener("input", function (event) {
    if (!event.inputType || event.inputType === "insertReplacementText") { search(1); }
  });
  document.getElementById("pg-go").addEventListener("click", function () { search(1); });
  document.getElementById("pg-next").addEventListener("click", function () { search(1); });
  document.getElementById("pg-prev").addEventListener("click", function () { search(-1); });
  document.getElementById("pg-fit").addEventListener("click", function () {
    network.fit({ animation: animate ? { duration: 400, easingFunction: "easeInOutQuad" } : false });
  });

  // --- the details panel: everything the page knows about one node --------------------------
  var panel = document.getElementById("pg-details");
  var body = document.getElementById("pg-details-body");
  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (className) { e.className = className; }
    return e;
  }
  function neighbours(id) {
    return edges.get({ filter: function (e) { return e.from === id || e.to === id; } });
  }
  function showDetails(id) {
    var n = byId[id];
    if (!n) { return; }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(el("h2", n.fullLabel));
    n.info.rows.forEach(function (row) { body.appendChild(el("div", row, "pg-row")); });
    if ((n.sources || []).length) {
      body.appendChild(el("h3", "出处 source sentences"));
      n.sources.forEach(function (sentence) {
        var quote = el("blockquote", sentence);
        var copy = el("button", "复制 copy", "pg-copy");
        copy.type = "button";
        copy.addEventListener("click", function () {
          if (navigator.clipboard) { navigator.clipboard.writeText(sentence).catch(function () {}); }
        });
        body.appendChild(quote);
        body.appendChild(copy);
      });
    }
    var links = neighbours(id);
    if (links.length) {
      body.appendChild(el("h3", "关系 relations (" + links.length + ")"));
      var ul = el("ul");
      links.forEach(function (e) {
        var other = e.from === id ? e.to : e.from;
        var li = el("li");
        li.appendChild(document.createTextNode((e.from === id ? "→ " : "← ") + (e.label || e.predicate) + " "));
        var a = el("a", byId[other] ? byId[other].fullLabel : other);
        a.addEventListener("click", function () {
          revealed[other] = true;
          refresh();
          focusNode(other);
        });
        li.appendChild(a);
        if (!shown(other)) { li.appendChild(document.createTextNode(" (hidden)")); }
        ul.appendChild(li);
      });
      body.appendChild(ul);
    }
    body.appendChild(el("p", "双击展开邻居 double-click to expand the neighbours", "pg-row"));
    panel.hidden = false;
  }
  document.getElementById("pg-details-close").addEventListener("click", function () {
    panel.hidden = true;
  });
  // The last expansion (below): on a busy machine a tap of its own double-click can reach
  // vis after it and select the clicked node alone; within 1.5 s, keep its selection.
  var expanded = null;
  network.on("click", function (params) {
    if (expanded && Date.now() - expanded.at < 1500 && params.nodes[0] === expanded.ids[0]) {
      network.selectNodes(expanded.ids);
    }
    if (params.nodes.length) { showDetails(params.nodes[0]); }
  });

  // A folded owner's targets and statistics come with the page (at most 50 each); the first
  // double-click lays them out in rings around it. Nothing else moves.
  var unfolded = {};
  function unfold(id) {
    var n = byId[id];
    if (!n || !n.folded || unfolded[id]) { return ""; }
    unfolded[id] = true;
    var centre = network.getPositions([id])[id];
    var added = [];
    var links = [];
    var start = 0;
    var ring = 0;
    n.folded.forEach(function (item, i) {
      while (i - start >= 12 * (ring + 1)) { start += 12 * (ring + 1); ring += 1; }
      var count = Math.min(12 * (ring + 1), n.folded.length - start);
      var angle = 2 * Math.PI * (i - start) / count + ring * 0.26;
      var radius = (n.size || 20) + 110 + ring * 110;
      links.push({
        id: "fold:" + id + ":" + i, from: id, to: item.id, predicate: "pgo:folded",
        label: item.cls === "Target" ? "目标" : "统计",
        title: tooltip({ heading: item.cls === "Target" ? "目标" : "统计", rows: [], sources: [] })
      });
      if (byId[item.id]) { return; }
      var style = data.foldStyles[item.cls];
      var node = {
        id: item.id, label: item.caption, fullLabel: item.label, cls: item.cls, alt: [],
        sources: [], year: item.year, shape: style.shape, size: 12, font: { size: 14 },
        color: { background: style.colour, border: style.colour },
        x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle),
        info: { heading: item.label, rows: item.rows, sources: [] }
      };
      node.title = tooltip(node.info);
      byId[item.id] = node;
      classOf[item.id] = item.cls;
      revealed[item.id] = true;
      added.push(node);
    });
    nodes.add(added);
    edges.add(links);
    var text = "目标/统计 " + n.folded.length;
    if (n.foldedMore) { text += " (+" + n.foldedMore + " more not in the page)"; }
    return text;
  }

  // Double-click expands a node: its folded targets and statistics are laid out, and its
  // neighbours are shown even in unticked classes, selected with it, and framed.
  function expand(id) {
    var folded = unfold(id);
    var around = [id];
    neighbours(id).forEach(function (e) {
      var other = e.from === id ? e.to : e.from;
      if (around.indexOf(other) === -1) { around.push(other); }
    });
    around.forEach(function (x) { revealed[x] = true; });
    refresh();
    network.selectNodes(around);
    expanded = { ids: around, at: Date.now() };
    network.fit({ nodes: around, animation: false });
    status.textContent = "展开 expanded: " + (around.length - 1) + " 个邻居 neighbours of " +
      byId[id].fullLabel + (folded ? " · " + folded : "");
    showDetails(id);
  }
  // After the double-click's own taps, which would otherwise change the selection again.
  network.on("doubleClick", function (params) {
    var id = params.nodes[0];
    if (id !== undefined) { setTimeout(function () { expand(id); }, 0); }
  });

  // Level of detail at the opening zoom: a fitted graph is often zoomed out so far that no
  // label reaches vis's 8 px draw threshold. Zoom in (about the middle) until the biggest
  // label is 11 px high and the 30 biggest are all drawn; the wheel or "Fit" shows the rest.
  if (!data.grid && data.nodes.length) {
    var fonts = data.nodes.map(function (n) { return (n.font && n.font.size) || 14; });
    fonts.sort(function (a, b) { return b - a; });
    var readable = Math.min(1, Math.max(11 / fonts[0], 8.5 / fonts[Math.min(29, fonts.length - 1)]));
    network.once("afterDrawing", function () {
      if (network.getScale() < readable) {
        network.moveTo({ position: network.getViewPosition(), scale: readable });
      }
    });
  }

  if (data.focus && classOf[data.focus] !== undefined) {
    network.once("afterDrawing", function () { network.selectNodes([data.focus]); });
  }

  // The timeline's background: a column per year and, per policy row, a band for its period;
  // over it, year headers stuck to the top of the view and row titles stuck to its left edge.
  var grid = data.grid;
  if (grid) {
    // Open at a readable scale on the first rows, where the earliest targets are (rows run in
    // time order), with the year headers at the top; the reader scrolls on from there.
    network.once("afterDrawing", function () {
      network.fit();
      var box = container.getBoundingClientRect();
      // What must be in view when it fits: every row's marker and the label under it, which
      // hangs about LABEL units either side (a policy issued before the first target year
      // sits left of the year columns), and the last year's column with its labels.
      var LABEL = 130;
      var west = grid.rows.reduce(function (x, row) { return Math.min(x, row.x); }, grid.left);
      var minX = west - LABEL;
      var maxX = grid.right + LABEL;
      var scale = Math.max(Math.min(network.getScale() * 0.9, box.width / (maxX - minX)), 0.7);
      var halfWidth = box.width / 2 / scale;
      var halfHeight = box.height / 2 / scale;
      var bottom = grid.rows.length ? grid.rows[grid.rows.length - 1].bottom : 0;
      var top = -150;
      var first = grid.rows.length ? grid.rows[0].x : grid.left;
      var left = Math.max(minX, Math.min(first, grid.open) - 160);
      var fitsTall = bottom - top <= 2 * halfHeight;
      var fitsWide = maxX - minX <= 2 * halfWidth;
      network.moveTo({
        position: {
          x: fitsWide ? (minX + maxX) / 2 : left + halfWidth,
          y: fitsTall ? (top + bottom) / 2 : top + halfHeight
        },
        scale: scale
      });
    });
    network.on("beforeDrawing", function (ctx) {
      var top = -130;
      var bottom = grid.rows.length ? grid.rows[grid.rows.length - 1].bottom : 0;
      ctx.save();
      grid.rows.forEach(function (row, i) {
        if (i % 2 === 0) {
          ctx.fillStyle = "#f4f6f8";
          ctx.fillRect(grid.left, row.top, grid.right - grid.left, row.bottom - row.top);
        }
        if (row.band) {
          ctx.fillStyle = "rgba(214, 39, 40, 0.10)";
          ctx.fillRect(row.band[0], row.top + 4, row.band[1] - row.band[0], row.bottom - row.top - 8);
        }
      });
      ctx.strokeStyle = "#d0d5db";
      ctx.setLineDash([6, 6]);
      grid.years.forEach(function (x) {
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
    var face = getComputedStyle(document.body).fontFamily;
    network.on("afterDrawing", function (ctx) {
      var scale = network.getScale();
      var corner = network.DOMtoCanvas({ x: 0, y: 0 });
      var far = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
      var px = 1 / scale;
      ctx.save();
      // Row titles whose policy node has scrolled off to the left, stuck to the left edge.
      ctx.font = 12 * px + "px " + face;
      ctx.textBaseline = "middle";
      grid.rows.forEach(function (row) {
        var middle = (row.top + row.bottom) / 2;
        if (row.x >= corner.x || middle < corner.y || middle > far.y) { return; }
        var text = row.title.length > 24 ? row.title.slice(0, 23) + "…" : row.title;
        var width = ctx.measureText(text).width;
        ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
        ctx.fillRect(corner.x, middle - 9 * px, width + 10 * px, 18 * px);
        ctx.fillStyle = "#8b1a1a";
        ctx.fillText(text, corner.x + 5 * px, middle);
      });
      // The year headers, stuck to the top whatever the vertical scroll.
      var height = 24 * px;
      ctx.fillStyle = "rgba(255, 255, 255, 0.94)";
      ctx.fillRect(corner.x, corner.y, far.x - corner.x, height);
      ctx.strokeStyle = "#c0c6cc";
      ctx.setLineDash([]);
      ctx.lineWidth = px;
      ctx.beginPath();
      ctx.moveTo(corner.x, corner.y + height);
      ctx.lineTo(far.x, corner.y + height);
      ctx.stroke();
      ctx.font = "600 " + 13 * px + "px " + face;
      ctx.textAlign = "center";
      ctx.fillStyle = "#333";
      var step = scale * 230 < 48 ? 5 : 1;  // when columns are narrow, label every 5th year
      var drawn = [];
      grid.years.forEach(function (x, i) {
        if (x < corner.x - 50 * px || x > far.x + 50 * px) { return; }
        if (step > 1 && Number(grid.labels[i]) % step !== 0) { return; }
        ctx.fillText(grid.labels[i], x, corner.y + height / 2);
        drawn.push(grid.labels[i]);
      });
      ctx.restore();
      // For tests: which year headers the last frame drew.
      window.policygraphView.headers = { years: drawn };
    });
  }

  window.policygraphView.network = network;
  window.policygraphView.nodes = nodes;
  window.policygraphView.edges = edges;
  window.policygraphView.expand = expand;
  // Positions come with the page, so the first drawing is also when it is ready to use.
  network.once("afterDrawing", function () {
    window.policygraphView.firstDrawn = performance.now();
    window.policygraphView.ready = window.policygraphView.firstDrawn;
  });
})();
