// Oversight dashboards (minxin.web.oversight): a static file so pages can forbid inline scripts (CSP).
// Each chart reads its JSON endpoint; every clickable datum carries the /cases/ URL behind it.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("dash-chart");
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el, null, {renderer: "svg"});
  window.minxinChart = chart;
  window.addEventListener("resize", function () { chart.resize(); });
  function go(url) { if (url) { window.location.href = url; } }
  var build = {
    volume: function (d) {
      return {
        tooltip: {trigger: "axis"}, legend: {type: "scroll", top: 0}, grid: {top: 40, left: 40, right: 10, bottom: 30},
        xAxis: {type: "category", data: d.buckets}, yAxis: {type: "value", minInterval: 1},
        series: d.series.map(function (s) { return {name: s.name, type: "bar", stack: "total", data: s.data}; })
      };
    },
    areas: function (d) {
      return {
        tooltip: {formatter: function (p) { return p.name + "：" + p.value; }},
        series: [{type: "treemap", data: d.root.children || [d.root], roam: false, nodeClick: false,
                  breadcrumb: {show: false}, leafDepth: 1, label: {formatter: "{b}\n{c}"},
                  upperLabel: {show: true, height: 22}, levels: [{itemStyle: {gapWidth: 3}}, {itemStyle: {gapWidth: 1}}]}]
      };
    },
    deadlines: function (d) {
      var colors = {normal: "#3a7d44", due_soon: "#d98e04", overdue: "#b00020"};
      return {
        // Two charts side by side, each titled above its own grid (the titles never share a line's space).
        tooltip: {}, grid: [{left: 40, right: "54%", top: 40, bottom: 30}, {left: "56%", right: 10, top: 40, bottom: 30, containLabel: true}],
        title: [{text: "当前期限状态", left: 0, top: 0, textStyle: {fontSize: 13}}, {text: "每日末超期在办", left: "56%", top: 0, textStyle: {fontSize: 13}}],
        xAxis: [{type: "category", data: d.status.map(function (s) { return s.name; }), gridIndex: 0},
                {type: "category", data: d.trend.dates, gridIndex: 1}],
        yAxis: [{type: "value", minInterval: 1, gridIndex: 0}, {type: "value", minInterval: 1, gridIndex: 1}],
        series: [
          {type: "bar", xAxisIndex: 0, yAxisIndex: 0, data: d.status.map(function (s) {
            return {value: s.value, url: s.url, itemStyle: {color: colors[s.key]}}; })},
          {type: "line", xAxisIndex: 1, yAxisIndex: 1, name: "超期在办", data: d.trend.overdue, showSymbol: false}
        ]
      };
    },
    ratings: function (d) {
      return {
        tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {top: 40, left: 40, right: 10, bottom: 30},
        xAxis: {type: "category", data: d.targets}, yAxis: {type: "value", minInterval: 1},
        color: ["#3a7d44", "#8fbf6a", "#b00020"],
        series: d.series.map(function (s) { return {name: s.name, type: "bar", data: s.data}; })
      };
    },
    scorecards: function (d) {
      var rows = d.rows.slice().reverse();
      return {
        tooltip: {}, grid: {top: 10, left: 8, right: 70, bottom: 30, containLabel: true},
        xAxis: {type: "value", max: 100},
        yAxis: {type: "category", data: rows.map(function (r) { return r.group_rank + ". " + r.unit; }),
                axisLabel: {width: Math.min(220, el.clientWidth * 0.4), overflow: "truncate", interval: 0}},
        series: [{type: "bar", data: rows.map(function (r) {
          var flagged = r.suppression.flagged;
          return {value: r.score, url: r.url, itemStyle: {color: flagged ? "#b00020" : "#2f5d8a"},
                  label: {show: true, position: "right", formatter: r.score + (flagged ? " " + r.suppression.label : "")}};
        })}]
      };
    },
    supervision: function (d) {
      return {
        tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {top: 40, left: 40, right: 10, bottom: 30},
        xAxis: {type: "category", data: d.levels}, yAxis: {type: "value", minInterval: 1},
        series: d.series.map(function (s) { return {name: s.name, type: "bar", stack: "total", data: s.data.map(function (n) { return {value: n, url: d.url}; })}; })
      };
    }
  };
  function seriesUrl(board, d, p) {
    if (board === "ratings") { return null; }
    if (board === "areas") { return p.data && (p.data.children ? p.data.dashboard : p.data.url); }
    return p.data && p.data.url;
  }
  chart.showLoading();
  // The page carries its chart data inline (computed once with the page); fetch only without it.
  var inline = document.getElementById("dash-data");
  (inline ? Promise.resolve(JSON.parse(inline.textContent))
          : fetch(el.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"}).then(function (r) { return r.json(); }))
    .then(function (d) {
      chart.hideLoading();
      if (d.empty) { el.textContent = d.message; return; }
      var board = el.dataset.board;
      var option = build[board](d);
      chart.setOption(option);
      chart.on("click", function (p) { go(seriesUrl(board, d, p)); });
      el.dataset.rendered = "1";
    });
});
