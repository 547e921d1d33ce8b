package org.bitbudget.experiments.report;

/** The dashboard's inline script and style sheet. */
final class DashboardAssets {
    private DashboardAssets() {}

    static final String ERROR_TRAP = """
            (function () {
              var errors = [];
              function record(text) {
                errors.push(String(text));
                document.documentElement.setAttribute('data-errors', String(errors.length));
                var box = document.getElementById('errors');
                if (box) { box.hidden = false; box.textContent = errors.join('\\n'); }
              }
              window.onerror = function (message, source, line) { record(message + ' (line ' + line + ')'); };
              window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
              var original = console.error;
              console.error = function () {
                record(Array.prototype.join.call(arguments, ' '));
                return original.apply(console, arguments);
              };
              window.bitbudgetErrors = errors;
            })();
            """;

    static final String SORT = """
            (function () {
              function key(cell, numeric) {
                var t = cell.textContent.trim();
                if (!numeric) { return t.toLowerCase(); }
                var v = parseFloat(t);
                return isNaN(v) ? Infinity : v;
              }
              document.querySelectorAll('table.sortable').forEach(function (table) {
                var heads = table.tHead.rows[0].cells;
                Array.prototype.forEach.call(heads, function (th, column) {
                  th.tabIndex = 0;
                  th.title = 'sort by ' + th.textContent;
                  function sort() {
                    var numeric = th.getAttribute('data-type') === 'number';
                    var ascending = th.getAttribute('aria-sort') !== 'ascending';
                    Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
                    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
                    var body = table.tBodies[0];
                    var rows = Array.prototype.slice.call(body.rows);
                    rows.sort(function (a, b) {
                      var x = key(a.cells[column], numeric), y = key(b.cells[column], numeric);
                      var c = x < y ? -1 : x > y ? 1 : 0;
                      return ascending ? c : -c;
                    });
                    rows.forEach(function (r) { body.appendChild(r); });
                  }
                  th.addEventListener('click', sort);
                  th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sort(); } });
                });
              });
              // A link may ask for a sorted table: report.html#sort=accuracy (ascending) or #sort=-accuracy.
              var m = /^#sort=(-?)(.+)$/.exec(decodeURIComponent(location.hash));
              if (m) {
                var table = document.getElementById('runs-table');
                Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
                  if (th.textContent === m[2]) { th.click(); if (m[1] === '-') { th.click(); } }
                });
              }
              document.documentElement.setAttribute('data-ready', '1');
            })();
            """;

    static final String CSS = """
            body { font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            h3 { font-size: 15px; margin: 16px 0 6px; }
            .meta, .note { color: #555; margin: 4px 0 10px; }
            #errors { background: #fee; color: #900; padding: 8px; }
            .legend span { margin-right: 16px; white-space: nowrap; }
            .plots { display: flex; flex-wrap: wrap; gap: 10px; }
            figure.plot { margin: 0; }
            figcaption { text-align: center; color: #555; font-size: 12px; }
            svg .frame { fill: #fcfcfc; stroke: #999; }
            svg .grid { stroke: #e4e4e4; }
            svg .tick { font-size: 10px; fill: #555; }
            svg .label { font-size: 11px; fill: #333; }
            .front { fill: none; stroke: #222; stroke-width: 1.5; stroke-dasharray: 4 2; }
            svg circle.pt { stroke: #fff; stroke-width: 0.8; opacity: 0.85; }
            svg .baseline { stroke: #2ca02c; stroke-width: 1.2; stroke-dasharray: 5 3; }
            svg .budget { stroke: #d62728; stroke-width: 1.2; stroke-dasharray: 4 3; }
            svg rect.uniform { fill: #ff7f0e; }
            svg circle.sweep { fill: none; stroke: #999; }
            svg .note { font-size: 10px; }
            svg circle.on-front { stroke: #000; stroke-width: 1.2; opacity: 1; }
            table { border-collapse: collapse; font-size: 12px; }
            th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; white-space: nowrap; }
            th { background: #f3f3f3; cursor: pointer; user-select: none; position: sticky; top: 0; }
            th[aria-sort=ascending]::after { content: ' \\25B2'; }
            th[aria-sort=descending]::after { content: ' \\25BC'; }
            tbody tr:nth-child(even) { background: #fafafa; }
            .scroll { max-height: 480px; overflow: auto; border: 1px solid #ddd; }
            """;
}
