// Mailward dashboard: sortable and filterable tables, charts from data attributes. No inline script (CSP).
(function () {
  'use strict';
  function cellValue(row, i) {
    var c = row.children[i];
    if (!c) return '';
    var v = c.getAttribute('data-value');
    return v !== null ? parseFloat(v) : c.textContent.trim().toLowerCase();
  }
  function makeSortable(table) {
    var heads = table.querySelectorAll('thead th');
    heads.forEach(function (th, i) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = th.textContent;
      th.textContent = '';
      th.appendChild(b);
      th.setAttribute('aria-sort', 'none');
      b.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          var r = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function makeFilter(input) {
    var table = document.getElementById(input.getAttribute('data-table'));
    if (!table) return;
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  }
  function nums(el, name) {
    return (el.getAttribute(name) || '').split(',').filter(function (s) { return s !== ''; });
  }
  function charts() {
    if (typeof Chart === 'undefined') return;
    document.querySelectorAll('canvas.trend').forEach(function (c) {
      var m = nums(c, 'data-messages').map(Number), p = nums(c, 'data-pass').map(Number);
      new Chart(c, { type: 'bar', data: { labels: nums(c, 'data-days'), datasets: [
        { label: 'Pass', data: p, backgroundColor: '#1b6b2f', stack: 's' },
        { label: 'Fail', data: m.map(function (v, i) { return v - p[i]; }), backgroundColor: '#a4161a', stack: 's' }] },
        options: { animation: false, responsive: true, scales: { x: { stacked: true }, y: { stacked: true } } } });
    });
    document.querySelectorAll('canvas.spark').forEach(function (c) {
      var m = nums(c, 'data-messages').map(Number);
      new Chart(c, { type: 'line', data: { labels: nums(c, 'data-days'), datasets: [
        { data: m, borderColor: '#0b4f9c', pointRadius: 0, borderWidth: 2 }] },
        options: { animation: false, responsive: false, plugins: { legend: { display: false }, tooltip: { enabled: false } },
          scales: { x: { display: false }, y: { display: false } } } });
    });
  }
  function init(root) {
    root.querySelectorAll('table.sortable').forEach(makeSortable);
  }
  document.addEventListener('DOMContentLoaded', function () {
    init(document);
    document.querySelectorAll('input.filter').forEach(makeFilter);
    charts();
  });
  document.addEventListener('htmx:afterSwap', function (e) { init(e.target.parentNode || document); });
})();
