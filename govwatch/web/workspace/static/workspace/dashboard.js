/* The overview's charts, drawn by the vendored ECharts from the page's JSON (the CSP allows
   no inline script). Without ECharts or JavaScript the tables above say the same. */
(function () {
  "use strict";
  var RED = "#b3261e", BLUE = "#1d4e89", GREEN = "#1e7b3a", GREY = "#9aa5b1";
  // A 0 % bar has no height: its figure above the axis says it is 0, not missing.
  var LABEL = { show: true, position: "top", fontSize: 10, formatter: function (p) { return p.value == null ? "" : p.value + "%"; } };

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // The wall display is dark: its text and grid lines are light.
  function theme(el) {
    var dark = document.body.classList.contains("wall");
    return dark ? { text: "#cfd8e3", line: "#1f4470" } : { text: "#52606d", line: "#e4e7eb" };
  }

  function axes(t) {
    return { axisLabel: { color: t.text }, splitLine: { lineStyle: { color: t.line } }, axisLine: { lineStyle: { color: t.text } } };
  }

  function bars(el, rows) {
    var chart = echarts.init(el);
    var t = theme(el), a = axes(t);
    chart.setOption({
      textStyle: { color: t.text },
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { data: ["网站合格率", "新媒体合格率"], top: 0, textStyle: { color: t.text } },
      grid: { left: 48, right: 16, top: 32, bottom: 80 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLine: a.axisLine,
               axisLabel: { color: t.text, interval: 0, rotate: rows.length > 5 ? 35 : 0, width: 110, overflow: "truncate" } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", color: t.text }, splitLine: a.splitLine },
      series: [
        { name: "网站合格率", type: "bar", data: rows.map(function (r) { return r.sites; }), itemStyle: { color: BLUE }, label: LABEL },
        { name: "新媒体合格率", type: "bar", data: rows.map(function (r) { return r.accounts; }), itemStyle: { color: GREEN }, label: LABEL }
      ]
    });
    return chart;
  }

  function trend(el, rows) {
    var chart = echarts.init(el);
    var t = theme(el), a = axes(t);
    chart.setOption({
      animation: false,
      textStyle: { color: t.text },
      tooltip: { trigger: "axis" },
      legend: { data: ["网站合格率", "新媒体合格率", "不合格数"], top: 0, textStyle: { color: t.text } },
      grid: { left: 48, right: 48, top: 32, bottom: 32 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.period; }), axisLabel: a.axisLabel, axisLine: a.axisLine },
      yAxis: [
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", color: t.text }, splitLine: a.splitLine },
        { type: "value", minInterval: 1, splitLine: { show: false }, axisLabel: a.axisLabel }
      ],
      series: [
        { name: "网站合格率", type: "line", data: rows.map(function (r) { return r.sites; }), itemStyle: { color: BLUE } },
        { name: "新媒体合格率", type: "line", data: rows.map(function (r) { return r.accounts; }), itemStyle: { color: GREEN } },
        { name: "不合格数", type: "bar", yAxisIndex: 1, data: rows.map(function (r) { return r.unqualified; }), itemStyle: { color: RED }, barMaxWidth: 28 }
      ]
    });
    return chart;
  }

  function empty(el, text) {
    el.classList.add("chart-empty");
    el.textContent = text;
  }

  function draw() {
    var d = data("dashboard-data");
    if (!d) { return; }
    var charts = [];
    var children = document.getElementById("chart-children");
    var trendEl = document.getElementById("chart-trend");
    if (typeof echarts === "undefined") { return; }
    if (children) {
      if (d.children.length) { charts.push(bars(children, d.children)); } else { empty(children, "没有下级地区的检查结果"); }
    }
    if (trendEl) {
      if (d.trend.length) { charts.push(trend(trendEl, d.trend)); } else { empty(trendEl, "还没有检查结果"); }
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  // The period selector submits itself (a button stays for browsers without script).
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("auto-submit")) { event.target.form.submit(); }
  });
  document.addEventListener("DOMContentLoaded", draw);
  window.govwatchCharts = { bars: bars, trend: trend, empty: empty, colors: { red: RED, blue: BLUE, green: GREEN, grey: GREY } };
})();
