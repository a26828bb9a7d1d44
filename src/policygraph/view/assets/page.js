/* policygraph view: builds the vis-network from the JSON data block, with a class filter and a
   search box. Document text is only ever put into the page with textContent, never as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pg-data").textContent);

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

  data.nodes.forEach(function (n) { n.title = tooltip(n.tip); delete n.tip; });
  data.edges.forEach(function (e) { e.title = tooltip(e.tip); delete e.tip; });

  var classOf = {};
  data.nodes.forEach(function (n) { classOf[n.id] = n.cls; });
  var hidden = {};
  function shown(id) { return !hidden[classOf[id]]; }

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shown(n.id); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return shown(e.from) && shown(e.to); }
  });
  var container = document.getElementById("pg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, data.options);

  var boxes = document.querySelectorAll("#pg-legend input[data-cls]");
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () {
      hidden[box.getAttribute("data-cls")] = !box.checked;
      nodeView.refresh();
      edgeView.refresh();
    });
  });

  var status = document.getElementById("pg-status");
  var input = document.getElementById("pg-search");
  var list = document.getElementById("pg-labels");
  var seen = {};
  data.nodes.map(function (n) { return n.fullLabel; }).sort().forEach(function (label) {
    if (seen[label]) { return; }
    seen[label] = true;
    var option = document.createElement("option");
    option.value = label;
    list.appendChild(option);
  });

  // On a big graph every animation frame redraws thousands of nodes: jump instead.
  var animate = data.nodes.length <= 300;
  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, {
      scale: 1.4,
      animation: animate ? { duration: 400, easingFunction: "easeInOutQuad" } : false
    });
  }

  function search() {
    var query = input.value.trim().toLowerCase();
    if (!query) { status.textContent = ""; return; }
    var visible = data.nodes.filter(function (n) { return shown(n.id); });
    var exact = visible.filter(function (n) { return n.fullLabel.toLowerCase() === query; });
    var partial = visible.filter(function (n) {
      return n.fullLabel.toLowerCase().indexOf(query) !== -1 || n.id.toLowerCase() === query;
    });
    var hits = exact.length ? exact : partial;
    if (!hits.length) { status.textContent = "未找到 not found"; return; }
    focusNode(hits[0].id);
    status.textContent = hits.length === 1 ? "" : hits.length + " 个匹配 matches, showing the first";
  }

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { search(); }
  });
  input.addEventListener("change", search);
  document.getElementById("pg-go").addEventListener("click", search);
  document.getElementById("pg-fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  });

  // Level of detail at the opening zoom: a fitted corpus is zoomed out so far that no label
  // reaches vis's draw threshold. Zoom in (about the middle) until the biggest labels, the
  // hubs', are 11 px high; the wheel or "Fit" shows the rest.
  if (!data.grid) {
    var biggest = Math.max.apply(null, data.nodes.map(function (n) {
      return (n.font && n.font.size) || 14;
    }).concat([14]));
    network.once("afterDrawing", function () {
      var readable = 11 / biggest;
      if (network.getScale() < readable) {
        network.moveTo({ position: network.getViewPosition(), scale: readable });
      }
    });
  }

  if (data.focus && classOf[data.focus] !== undefined) {
    network.once("afterDrawing", function () { network.selectNodes([data.focus]); });
  }

  // The timeline's background: a column per year and, per policy row, a band for its period.
  var grid = data.grid;
  if (grid) {
    // fit() frames the nodes, not their labels; the policy titles sit left of their node.
    // A corpus gives dozens of rows: rather than shrink them all to dots, start at a
    // readable scale with the year headers at the top, and let the reader scroll down.
    network.once("afterDrawing", function () {
      network.fit();
      var scale = Math.max(network.getScale() * 0.9, 0.45);
      var box = container.getBoundingClientRect();
      var halfWidth = box.width / 2 / scale;
      var halfHeight = box.height / 2 / scale;
      var bottom = grid.rows.length ? grid.rows[grid.rows.length - 1].bottom : 0;
      var top = -150;
      var fitsTall = bottom - top <= 2 * halfHeight;
      var fitsWide = grid.right - grid.left <= 2 * halfWidth;
      network.moveTo({
        position: {
          x: fitsWide ? (grid.left + grid.right) / 2 : grid.left + halfWidth,
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
  }

  // For scripts and tests: the network, and when it was first drawn (ms since navigation).
  window.policygraphView = { network: network, nodes: nodes, edges: edges, search: search };
  // "ready" is when the layout stops moving: at the first drawing when positions are fixed,
  // after stabilization when physics lays the graph out.
  var physics = data.options.physics && data.options.physics.enabled;
  network.once("afterDrawing", function () {
    window.policygraphView.firstDrawn = performance.now();
    if (!physics) { window.policygraphView.ready = window.policygraphView.firstDrawn; }
  });
  if (physics) {
    network.once("stabilizationIterationsDone", function () {
      // Settle here rather than drift on, so that search and clicks find still nodes.
      network.stopSimulation();
      network.fit();
      window.policygraphView.ready = performance.now();
    });
  }
})();
