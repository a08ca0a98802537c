// Charts of runhistory's archive report, drawn with uPlot (inlined before this script).
// The data is the JSON in <script id="report-data">; the tables of the page hold every number
// too, so the page reads without JavaScript.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  // The documents' date-times carry no time zone: show them as written.
  var asWritten = function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); };
  var COLOURS = {
    duration: "#3b6ea8", failed: "#c0392b", adds: "#2e8b57", updates: "#3b6ea8",
    deletes: "#c0392b", discovery: "#8e44ad", "import": "#d35400", "export": "#c0392b",
    retry: "#7f8c8d"
  };
  var charts = [];
  // Counts are whole numbers: ticks at 1, 2, 5, 10, 20, 50, ... never at 0.5.
  var WHOLE = [];
  for (var p = 1; p <= 1e9; p *= 10) { WHOLE.push(p, 2 * p, 5 * p); }

  function seriesOf(name, label, values, opts) {
    var s = { label: label, stroke: COLOURS[name], width: 1.5, values: values };
    for (var k in opts) { s[k] = opts[k]; }
    return s;
  }

  function draw(el, x, series, unit, whole) {
    var width = Math.max(320, el.clientWidth || 600);
    var opts = {
      width: width,
      height: 220,
      tzDate: asWritten,
      scales: { x: { time: true } },
      series: [{ label: "start" }].concat(series.map(function (s) {
        var out = {};
        for (var k in s) { if (k !== "values") { out[k] = s[k]; } }
        return out;
      })),
      axes: [{}, whole ? { size: 64, label: unit, incrs: WHOLE } : { size: 64, label: unit }]
    };
    var plot = new uPlot(opts, [x].concat(series.map(function (s) { return s.values; })), el);
    charts.push([plot, el]);
  }

  function agentCharts(agent) {
    var root = document.getElementById(agent.id);
    if (!root) { return; }
    var x = agent.x;
    var failed = agent.duration.map(function (d, i) { return agent.bad[i] ? d : null; });
    draw(root.querySelector("[data-chart=duration]"), x, [
      seriesOf("duration", "duration", agent.duration, {}),
      seriesOf("failed", "stopped or not started", failed,
               { paths: function () { return null; }, points: { show: true, size: 7 } })
    ], "seconds");
    draw(root.querySelector("[data-chart=changes]"), x, [
      seriesOf("adds", "adds", agent.adds, {}),
      seriesOf("updates", "updates", agent.updates, {}),
      seriesOf("deletes", "deletes", agent.deletes, {})
    ], "objects", true);
    var kinds = Object.keys(agent.errors);
    draw(root.querySelector("[data-chart=errors]"), x, kinds.map(function (k) {
      return seriesOf(k, agent.labels[k], agent.errors[k], {});
    }), "errors", true);
  }

  data.agents.forEach(agentCharts);
  document.documentElement.setAttribute("data-charts", String(charts.length));

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(function () {
      charts.forEach(function (c) {
        c[0].setSize({ width: Math.max(320, c[1].clientWidth), height: 220 });
      });
    }, 150);
  });
})();
