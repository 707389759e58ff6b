// Draws the risk charts from data embedded with json_script; no inline scripts.
(function () {
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.dataset.source);
      if (!src) return;
      var data = JSON.parse(src.textContent);
      var chart = echarts.init(el, null, { renderer: "svg" });
      if (el.dataset.chart === "trend") {
        // a topic's messages per week, small enough to sit in a table row
        chart.setOption({
          tooltip: { trigger: "axis" },
          grid: { left: 2, right: 2, top: 4, bottom: 4 },
          xAxis: { type: "category", data: data.weeks, show: false },
          yAxis: { type: "value", show: false, minInterval: 1 },
          series: [{ name: el.dataset.label || "", type: "line", data: data.counts, showSymbol: false, areaStyle: { opacity: 0.2 } }]
        });
      } else if (el.dataset.chart === "treemap") {
        chart.setOption({
          tooltip: {},
          // Each area's name on its band (upperLabel), its domains inside; no breadcrumb (nothing to zoom into).
          series: [{ type: "treemap", data: data, leafDepth: 2, roam: false, nodeClick: false, breadcrumb: { show: false },
                     top: 10, bottom: 10, left: 10, right: 10,
                     label: { show: true, formatter: "{b}\n{c}" }, upperLabel: { show: true, height: 24 },
                     levels: [{ itemStyle: { gapWidth: 3 } }, { itemStyle: { gapWidth: 1 } }] }]
        });
      } else {
        var n = data.counts.length;
        var names = (el.dataset.labels || "observed,expected,upper").split(",");
        chart.setOption({
          tooltip: { trigger: "axis" },
          legend: { data: names },
          xAxis: { type: "category", data: data.dates },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: names[0], type: "line", data: data.counts },
            { name: names[1], type: "line", data: data.counts.map(function (_, i) { return i === n - 1 ? data.expected : null; }), symbolSize: 10 },
            { name: names[2], type: "line", data: data.counts.map(function (_, i) { return i === n - 1 ? data.upper : null; }), symbolSize: 10 }
          ]
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
