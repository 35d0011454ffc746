/* The wall display refreshes itself: every minute it reads the overview's JSON and redraws
   the figures and charts; a failed read keeps the last figures and says so. */
(function () {
  "use strict";
  var PERIOD_MS = 60000;

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) { el.textContent = text || "—"; }
  }

  function redraw(d) {
    Object.keys(d.kpi).forEach(function (key) {
      var el = document.querySelector('[data-kpi="' + key + '"]');
      if (el) { el.textContent = d.kpi[key]; }
    });
    var body = document.getElementById("wall-attention");
    if (body) {
      body.textContent = "";
      d.attention.forEach(function (row) {
        var tr = document.createElement("tr");
        [row.name, row.unqualified, row.open, row.overdue].forEach(function (value, i) {
          var td = document.createElement("td");
          td.textContent = value;  // text, never markup: names come from the registry
          if (i) { td.className = "num"; }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
    }
    setText("wall-title", d.title);
    setText("wall-period", d.period);
    setText("wall-time", d.as_of);
    if (typeof echarts === "undefined" || !window.govwatchCharts) { return; }
    ["chart-children", "chart-trend"].forEach(function (id) {
      var el = document.getElementById(id);
      var old = echarts.getInstanceByDom(el);
      if (old) { old.dispose(); }
    });
    var c = window.govwatchCharts;
    var children = document.getElementById("chart-children");
    var trend = document.getElementById("chart-trend");
    if (d.children.length) { c.bars(children, d.children); } else { c.empty(children, "没有下级地区的检查结果"); }
    if (d.trend.length) { c.trend(trend, d.trend); } else { c.empty(trend, "还没有检查结果"); }
  }

  function refresh() {
    var source = document.body.getAttribute("data-source");
    fetch(source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (d) {
        redraw(d);
        setText("wall-status", "每分钟自动刷新（" + new Date().toLocaleTimeString("zh-CN", { hour12: false }) + " 已更新）");
      })
      .catch(function () { setText("wall-status", "刷新失败，显示的是上次的数据"); });
  }

  document.addEventListener("DOMContentLoaded", function () { window.setInterval(refresh, PERIOD_MS); });
})();
