/* policygraph indicator chart: draws one indicator's series with Chart.js, a tooltip with
   the sentence and document of each figure, and the table of its years. Text from documents
   only ever goes into textContent, never into HTML. */
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("pg-data").textContent);
  const COLOURS = { met: "#2ca02c", missed: "#d62728", open: "#888888", outcome: "#1f77b4" };
  const canvas = document.getElementById("pg-chart");
  const tip = document.getElementById("pg-tip");
  const picker = document.getElementById("pg-indicator");
  const byLabel = new Map(data.indicators.map((s) => [s.label, s]));
  const view = { ready: false, chart: null, current: null, show: show };
  window.policygraphView = view;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function colour(row) {
    if (row.attained === true) return COLOURS.met;
    if (row.attained === false) return COLOURS.missed;
    return COLOURS.open;
  }

  // The mark says the comparator: a floor points up, a ceiling down, "about" is round.
  function marker(row) {
    const c = row.comparator;
    if (c === ">=" || c === ">") return { style: "triangle", rotation: 0 };
    if (c === "<=" || c === "<") return { style: "triangle", rotation: 180 };
    if (c === "~") return { style: "circle", rotation: 0 };
    return { style: "rectRot", rotation: 0 };
  }

  function datasets(series) {
    const points = [], ranges = [], outcomes = [];
    for (const row of series.rows) {
      if (row.target !== null && row.targetMax !== null) {
        ranges.push({ x: row.year, y: [row.target, row.targetMax], row: row });
      } else if (row.target !== null) {
        points.push({ x: row.year, y: row.target, row: row });
      }
      if (row.outcome !== null) outcomes.push({ x: row.year, y: row.outcome, row: row });
    }
    // A year with no outcome breaks the line rather than being drawn across.
    const reported = new Set(outcomes.map((p) => p.x));
    const first = series.rows[0].year, last = series.rows[series.rows.length - 1].year;
    for (let year = first; year <= last; year++) {
      if (!reported.has(year)) outcomes.push({ x: year, y: null, row: null });
    }
    outcomes.sort((a, b) => a.x - b.x);
    return [
      {
        type: "line", label: "实际 outcome", data: outcomes, order: 2,
        borderColor: COLOURS.outcome, backgroundColor: COLOURS.outcome,
        pointRadius: 3, pointHoverRadius: 6, borderWidth: 2, tension: 0, spanGaps: false,
      },
      {
        type: "scatter", label: "目标 target", data: points, order: 1,
        pointStyle: points.map((p) => marker(p.row).style),
        rotation: points.map((p) => marker(p.row).rotation),
        backgroundColor: points.map((p) => colour(p.row)),
        borderColor: points.map((p) => colour(p.row)),
        pointRadius: 7, pointHoverRadius: 10,
      },
      {
        type: "bar", label: "目标区间 target range", data: ranges, order: 3,
        backgroundColor: ranges.map((p) => colour(p.row) + "99"),
        borderColor: ranges.map((p) => colour(p.row)),
        borderWidth: 1, barThickness: 14, borderSkipped: false,
      },
    ];
  }

  function sourceBlock(box, heading, text, source) {
    box.appendChild(el("div", heading + "：" + text));
    if (!source) return;
    box.appendChild(el("blockquote", source.sentence));
    box.appendChild(el("div", source.title + "（" + source.document + "）", "pg-doc"));
  }

  function fillTip(row) {
    tip.replaceChildren();
    tip.appendChild(el("h2", row.year + "年"));
    if (row.targetText) {
      const met = row.attained === true ? "，已实现 met" : row.attained === false ? "，未实现 missed" : "";
      sourceBlock(tip, "目标 target", row.targetText + met, row.targetSource);
    }
    if (row.outcomeText) sourceBlock(tip, "实际 outcome", row.outcomeText, row.outcomeSource);
  }

  function external(context) {
    const tooltip = context.tooltip;
    if (!tooltip || tooltip.opacity === 0 || !tooltip.dataPoints || !tooltip.dataPoints.length) {
      tip.hidden = true;
      return;
    }
    const hit = tooltip.dataPoints.find((p) => p.raw && p.raw.row);
    if (!hit) {
      tip.hidden = true;
      return;
    }
    fillTip(hit.raw.row);
    tip.hidden = false;
    const box = canvas.parentNode.getBoundingClientRect();
    // Beside the point, on the side with more room, so it never hides the point itself.
    const right = tooltip.caretX < box.width / 2;
    const left = right ? tooltip.caretX + 14 : tooltip.caretX - 14 - tip.offsetWidth;
    tip.style.left = Math.max(Math.min(left, box.width - tip.offsetWidth - 4), 4) + "px";
    tip.style.top = Math.max(Math.min(tooltip.caretY + 14, box.height - tip.offsetHeight - 4), 4) + "px";
  }

  function fillTable(series) {
    const body = document.querySelector("#pg-rows tbody");
    body.replaceChildren();
    for (const row of series.rows) {
      const tr = document.createElement("tr");
      tr.appendChild(el("td", row.year));
      tr.appendChild(el("td", row.targetText));
      tr.appendChild(el("td", row.outcomeText));
      const met = el("td", row.attained === true ? "✔ 是" : row.attained === false ? "✘ 否" : "");
      met.style.color = colour(row);
      tr.appendChild(met);
      const sources = document.createElement("td");
      for (const source of [row.targetSource, row.outcomeSource]) {
        if (!source) continue;
        sources.appendChild(el("blockquote", source.sentence));
        sources.appendChild(el("div", source.title + "（" + source.document + "）", "pg-doc"));
      }
      tr.appendChild(sources);
      body.appendChild(tr);
    }
  }

  function show(label) {
    const series = byLabel.get(label) || data.indicators[0];
    if (!series) return;
    view.current = series.label;
    if (picker) picker.value = series.label;
    if (data.indicators.length > 1) document.getElementById("pg-title").textContent = series.label;
    document.getElementById("pg-unit").textContent = series.unit ? "单位 unit：" + series.unit : "";
    const years = series.rows.map((r) => r.year);
    if (view.chart) view.chart.destroy();
    view.chart = new Chart(canvas, {
      data: { datasets: datasets(series) },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: { xAxisKey: "x", yAxisKey: "y" },
        interaction: { mode: "nearest", axis: "x", intersect: false },
        scales: {
          x: {
            type: "linear", offset: false,
            min: Math.min.apply(null, years) - 1, max: Math.max.apply(null, years) + 1,
            ticks: { stepSize: 1, precision: 0, callback: (v) => String(v) },
            title: { display: true, text: "年份 year" },
          },
          // Not from zero: a bar (a range) would otherwise pull the axis down to 0.
          y: { beginAtZero: false, grace: "5%", title: { display: !!series.unit, text: series.unit } },
        },
        plugins: {
          legend: { display: false },
          tooltip: { enabled: false, external: external },
        },
      },
    });
    fillTable(series);
    tip.hidden = true;
  }

  if (picker) {
    for (const series of data.indicators) {
      const option = el("option", series.label + "（" + series.rows.length + "）");
      option.value = series.label;
      picker.appendChild(option);
    }
    picker.addEventListener("change", () => { location.hash = encodeURIComponent(picker.value); });
  }
  function fromHash() {
    let label = "";
    try { label = decodeURIComponent(location.hash.slice(1)); } catch (e) { label = ""; }
    show(label);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
  view.ready = true;
})();
