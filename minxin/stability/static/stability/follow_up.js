// Draws the 稳评 follow-up chart (weekly cases, the detector's upper bound, alarm weeks, the
// decision's week marked) from data embedded with json_script; runs again when htmx swaps
// the panel in. No inline scripts.
(function () {
  function draw(root) {
    if (!window.echarts) return;
    (root || document).querySelectorAll("[data-stability-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.source);
      if (!src || el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var data = JSON.parse(src.textContent);
      var names = el.dataset.labels.split(",");
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: names.slice(0, 3) },
        grid: { left: 40, right: 20, top: 50, bottom: 30 },
        xAxis: { type: "category", data: data.dates },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: names[0], type: "line", data: data.counts,
            markLine: { symbol: "none", label: { formatter: names[3] }, lineStyle: { type: "solid", color: "#c62828" },
                        data: [{ xAxis: data.pivot }] } },
          { name: names[1], type: "line", data: data.upper, lineStyle: { type: "dashed" }, showSymbol: false, connectNulls: true },
          { name: names[2], type: "scatter", symbolSize: 12, itemStyle: { color: "#c62828" },
            data: data.counts.map(function (c, i) { return data.alarms[i] ? c : null; }) }
        ]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
})();
