// The report page's style and script (cli/report_page.cpp embeds them: the page fetches
// nothing). The script draws the timeline from the JSON in #data (spans under a pixel wide that
// fall on a pixel already drawn are skipped, so a long run stays quick to redraw); it marks
// the page with data-drawn (spans drawn), data-waits and data-errors (script errors) for tests
// and curious users.

#include "report_assets.hpp"

namespace dc::cli {

const char* const page_style = R"CSS(
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; } th, td { padding: 2px 10px; border-bottom: 1px solid #ddd; }
th { text-align: left; background: #f4f4f4; } td { font-variant-numeric: tabular-nums; }
canvas { border: 1px solid #ccc; cursor: grab; display: block; }
.hint { color: #666; font-size: 0.9em; }
#legend span { display: inline-block; margin: 0 12px 4px 0; }
#legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
#tip { min-height: 1.4em; color: #333; font-size: 0.9em; }
)CSS";

const char* const page_script = R"JS(
(function () {
  'use strict';
  var errors = 0;
  document.body.dataset.errors = '0';
  window.addEventListener('error', function () { errors++; document.body.dataset.errors = String(errors); });
  var data = JSON.parse(document.getElementById('data').textContent);
  var canvas = document.getElementById('timeline');
  var ctx = canvas.getContext('2d');
  var names = {};
  data.processes.forEach(function (p) { names[p[0]] = p[1]; });
  var rowOf = {}, rows = [];
  data.spans.forEach(function (s) {
    var key = s[0] + ':' + s[1];
    if (!(key in rowOf)) { rowOf[key] = -1; rows.push({ pid: s[0], tid: s[1], key: key }); }
  });
  data.waits.forEach(function (w) {
    var key = w[0] + ':w';
    if (!(key in rowOf)) { rowOf[key] = -1; rows.push({ pid: w[0], tid: 1e9, key: key, waits: true }); }
  });
  rows.sort(function (a, b) { return a.pid - b.pid || a.tid - b.tid; });
  rows.forEach(function (r, i) { rowOf[r.key] = i; });
  var rowH = 18, top = 24, left = 190;
  canvas.width = Math.max(800, document.body.clientWidth - 10);
  canvas.height = top + Math.max(1, rows.length) * rowH + 6;
  var whole = { from: 0, to: Math.max(1, data.end) };
  var view = { from: whole.from, to: whole.to };
  // Failed calls are red; functions take the other hues (golden-angle steps from blue).
  function colour(i) { return 'hsl(' + ((210 + i * 137.508) % 300 + 30).toFixed(1) + ',62%,52%)'; }
  function scale() { return (canvas.width - left) / (view.to - view.from); }
  function label(us) { return (us / 1e6).toFixed(us < 1e4 ? 4 : 2) + ' s'; }
  function draw() {
    var k = scale(), drawn = 0;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = '12px sans-serif';
    ctx.fillStyle = '#333';
    rows.forEach(function (r, i) {
      var y = top + i * rowH;
      if (i % 2) { ctx.fillStyle = '#f7f7f7'; ctx.fillRect(0, y, canvas.width, rowH); }
      ctx.fillStyle = '#333';
      ctx.fillText((names[r.pid] || 'process ' + r.pid) + ' \u00b7 ' + (r.waits ? 'waits' : r.tid), 4, y + 13);
    });
    for (var t = 0; t <= 10; t++) {
      var x = left + t * (canvas.width - left) / 10;
      ctx.fillStyle = '#999';
      ctx.fillRect(x, top - 4, 1, canvas.height);
      if (t < 10) ctx.fillText(label(view.from + t * (view.to - view.from) / 10), x + 2, 12);
    }
    var lastPixel = {}; // per row: a span under a pixel wide is not drawn over another one
    data.spans.forEach(function (s) {
      var end = s[2] + s[3];
      if (end < view.from || s[2] > view.to) return;
      var x = left + (s[2] - view.from) * k, w = Math.max(1, s[3] * k);
      if (x < left) { w -= left - x; x = left; }
      var row = rowOf[s[0] + ':' + s[1]], pixel = Math.floor(x);
      if (s[3] * k < 1 && lastPixel[row] === pixel && !s[5]) return;
      lastPixel[row] = pixel;
      ctx.fillStyle = s[5] ? '#d22' : colour(s[4]);
      ctx.fillRect(x, top + row * rowH + 2, w, rowH - 4);
      drawn++;
    });
    var waited = 0;
    ctx.fillStyle = 'rgba(60, 60, 60, 0.25)'; // overlapping waits look darker
    data.waits.forEach(function (w) {
      if (w[1] + w[2] < view.from || w[1] > view.to) return;
      var x = left + (w[1] - view.from) * k, width = Math.max(1, w[2] * k);
      if (x < left) { width -= left - x; x = left; }
      var row = rowOf[w[0] + ':w'], pixel = Math.floor(x);
      if (w[2] * k < 1 && lastPixel[row] === pixel) return;
      lastPixel[row] = pixel;
      ctx.fillRect(x, top + row * rowH + 4, width, rowH - 8);
      waited++;
    });
    document.body.dataset.waits = String(waited);
    ctx.fillStyle = '#000';
    data.instants.forEach(function (i) {
      if (i[0] < view.from || i[0] > view.to) return;
      ctx.fillRect(left + (i[0] - view.from) * k, top - 8, 1, 8);
    });
    document.body.dataset.drawn = String(drawn);
  }
  function legend() {
    var total = {};
    data.spans.forEach(function (s) { total[s[4]] = (total[s[4]] || 0) + s[3]; });
    var top12 = Object.keys(total).sort(function (a, b) { return total[b] - total[a]; }).slice(0, 12);
    var box = document.getElementById('legend');
    top12.forEach(function (n) {
      var item = document.createElement('span'), swatch = document.createElement('i');
      swatch.style.background = colour(Number(n));
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(data.names[n].slice(0, 60) + ' (' + label(total[n]) + ')'));
      box.appendChild(item);
    });
  }
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    var at = view.from + (e.offsetX - left) / scale(), f = e.deltaY < 0 ? 0.8 : 1.25;
    view.from = Math.max(whole.from, at - (at - view.from) * f);
    view.to = Math.min(whole.to, at + (view.to - at) * f);
    draw();
  }, { passive: false });
  var dragX = null;
  canvas.addEventListener('mousedown', function (e) { dragX = e.offsetX; });
  window.addEventListener('mouseup', function () { dragX = null; });
  canvas.addEventListener('mousemove', function (e) {
    if (dragX !== null) {
      var shift = (dragX - e.offsetX) / scale();
      dragX = e.offsetX;
      view.from += shift; view.to += shift;
      draw();
      return;
    }
    var row = Math.floor((e.offsetY - top) / rowH), at = view.from + (e.offsetX - left) / scale();
    var hit = data.spans.find(function (s) {
      return rowOf[s[0] + ':' + s[1]] === row && s[2] <= at && at <= s[2] + Math.max(s[3], 1 / scale());
    });
    document.getElementById('tip').textContent = hit
      ? data.names[hit[4]] + ' on process ' + hit[0] + ': ' + label(hit[3]) + (hit[5] ? ' (threw)' : '')
      : '';
  });
  canvas.addEventListener('dblclick', function () { view.from = whole.from; view.to = whole.to; draw(); });
  legend();
  draw();
})();
)JS";

} // namespace dc::cli
