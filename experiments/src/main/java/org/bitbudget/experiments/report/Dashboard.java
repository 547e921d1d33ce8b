package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bitbudget.experiments.batch.ResultsCsv;

/**
 * A results CSV as one self-contained HTML page — inline CSS, inline SVG drawn here, a little inline
 * JavaScript for sorting; nothing is fetched, so it opens from disk or an e-mail attachment:
 * <ul>
 *   <li>per model, accuracy against each cost (size, BOPs, energy, latency, accumulator bits) with every
 *       run as a point coloured by strategy and the Pareto front (no other run is cheaper and at least
 *       as accurate) as a step line;</li>
 *   <li>the estimator leaderboard: runs, mean and best accuracy, mean rank and wins among runs that
 *       differ only in the estimator, and runs on a size Pareto front;</li>
 *   <li>every run in a table sorted by clicking a column header.</li>
 * </ul>
 * A script error anywhere on the page is written into {@code #errors} and counted in the
 * {@code data-errors} attribute of {@code <html>}, which the browser test checks.
 */
public final class Dashboard {
    /** Cost columns plotted against accuracy, with their axis labels. */
    static final Map<String, String> COSTS = costs();

    private static final String[] PALETTE = {
        "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"
    };
    private static final int W = 360;
    private static final int H = 260;
    private static final int LEFT = 56;
    private static final int RIGHT = 14;
    private static final int TOP = 14;
    private static final int BOTTOM = 44;

    private Dashboard() {}

    private static Map<String, String> costs() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("size_bits", "weight size (bits)");
        m.put("bops", "bit operations");
        m.put("energy_pj", "energy (pJ)");
        m.put("latency_ms", "latency (ms)");
        m.put("max_accumulator_bits", "max accumulator bits");
        return m;
    }

    /** The page for {@code table}. */
    public static String render(ResultsCsv.Table table, String title, String source) {
        List<Map<String, String>> rows = table.rows();
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\" data-errors=\"0\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>")
                .append(esc(title))
                .append("</title>\n")
                .append("<script>\n")
                .append(ERROR_TRAP)
                .append("</script>\n")
                .append("<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n");
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p class=\"meta\">")
                .append(rows.size())
                .append(" runs from <code>")
                .append(esc(source))
                .append("</code>")
                .append(summary(rows))
                .append("</p>\n");
        b.append("<pre id=\"errors\" hidden></pre>\n");
        List<String> strategies = distinct(rows, "strategy");
        b.append("<section id=\"pareto\">\n<h2>Pareto fronts</h2>\n");
        b.append("<p class=\"legend\">");
        for (int i = 0; i < strategies.size(); i++) {
            b.append("<span><svg width=\"12\" height=\"12\"><circle cx=\"6\" cy=\"6\" r=\"5\" fill=\"")
                    .append(color(i))
                    .append("\"/></svg> ")
                    .append(esc(strategies.get(i)))
                    .append("</span>");
        }
        b.append("<span><svg width=\"22\" height=\"12\"><path d=\"M1 9 H11 V3 H21\" class=\"front\"/></svg> "
                + "Pareto front</span></p>\n");
        for (String model : distinct(rows, "model")) {
            List<Map<String, String>> mine =
                    rows.stream().filter(r -> model.equals(r.get("model"))).toList();
            b.append("<div class=\"model\" data-model=\"")
                    .append(esc(model))
                    .append("\">\n<h3>")
                    .append(esc(model))
                    .append(" <small>(")
                    .append(mine.size())
                    .append(" runs)</small></h3>\n<div class=\"plots\">\n");
            for (var cost : COSTS.entrySet()) {
                if (mine.stream().anyMatch(r -> !Double.isNaN(num(r.get(cost.getKey()))))) {
                    plot(b, mine, cost.getKey(), cost.getValue(), strategies);
                }
            }
            b.append("</div>\n</div>\n");
        }
        b.append("</section>\n");
        leaderboard(b, rows);
        runsTable(b, table);
        b.append("<script>\n").append(SORT).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    private static String summary(List<Map<String, String>> rows) {
        StringBuilder s = new StringBuilder();
        for (String c : List.of("model", "strategy", "estimator", "budgets", "seed")) {
            s.append(", ")
                    .append(distinct(rows, c).size())
                    .append(' ')
                    .append(c.equals("budgets") ? "budget sets" : c.equals("strategy") ? "strategies" : c + "s");
        }
        return s.toString();
    }

    /** One scatter plot of accuracy against {@code cost}, with the Pareto front. */
    private static void plot(
            StringBuilder b, List<Map<String, String>> rows, String cost, String label, List<String> strategies) {
        List<double[]> pts = new ArrayList<>();
        List<Map<String, String>> used = new ArrayList<>();
        for (Map<String, String> r : rows) {
            double x = num(r.get(cost));
            double y = num(r.get("accuracy"));
            if (!Double.isNaN(x) && !Double.isNaN(y)) {
                pts.add(new double[] {x, y});
                used.add(r);
            }
        }
        double xMin = pts.stream().mapToDouble(p -> p[0]).min().orElse(0);
        double xMax = pts.stream().mapToDouble(p -> p[0]).max().orElse(1);
        boolean log = xMin > 0 && xMax / xMin > 20;
        double yMin = pts.stream().mapToDouble(p -> p[1]).min().orElse(0);
        double yMax = pts.stream().mapToDouble(p -> p[1]).max().orElse(1);
        Axis xa = new Axis(log ? Math.log10(xMin) : xMin, log ? Math.log10(xMax) : xMax);
        Axis ya = new Axis(yMin, yMax);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        b.append("<figure class=\"plot\" data-cost=\"")
                .append(cost)
                .append("\"><svg xmlns=\"http://www.w3.org/2000/svg\" " + "width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" role=\"img\" aria-label=\"accuracy against ")
                .append(esc(label))
                .append("\">\n");
        b.append("<rect x=\"")
                .append(LEFT)
                .append("\" y=\"")
                .append(TOP)
                .append("\" width=\"")
                .append(pw)
                .append("\" height=\"")
                .append(ph)
                .append("\" class=\"frame\"/>\n");
        for (double t : ya.ticks()) {
            double y = TOP + ph * (1 - ya.frac(t));
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>%n",
                    LEFT,
                    LEFT + pw,
                    y,
                    y,
                    LEFT - 4,
                    y + 4,
                    fmt(t)));
        }
        for (double t : xa.ticks()) {
            double x = LEFT + pw * xa.frac(t);
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"grid\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>%n",
                    x,
                    x,
                    TOP,
                    TOP + ph,
                    x,
                    TOP + ph + 14,
                    fmt(log ? Math.pow(10, t) : t)));
        }
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">%s%s</text>%n",
                LEFT + pw / 2,
                H - 8,
                esc(label),
                log ? " (log)" : ""));
        b.append(String.format(
                Locale.ROOT,
                "<text x=\"12\" y=\"%d\" class=\"label\" text-anchor=\"middle\" "
                        + "transform=\"rotate(-90 12 %d)\">accuracy</text>%n",
                TOP + ph / 2,
                TOP + ph / 2));
        // Pareto front: sorted by cost, keep each point more accurate than every cheaper one.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pts.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> pts.get(i)[0]).thenComparingDouble(i -> -pts.get(i)[1]));
        StringBuilder path = new StringBuilder();
        double best = Double.NEGATIVE_INFINITY;
        Set<Integer> front = new LinkedHashSet<>();
        for (int i : order) {
            if (pts.get(i)[1] > best) {
                best = pts.get(i)[1];
                front.add(i);
            }
        }
        for (int i : front) {
            double x = LEFT + pw * xa.frac(log ? Math.log10(pts.get(i)[0]) : pts.get(i)[0]);
            double y = TOP + ph * (1 - ya.frac(pts.get(i)[1]));
            if (path.isEmpty()) {
                path.append(String.format(Locale.ROOT, "M%.1f %.1f", x, y));
            } else {
                path.append(String.format(Locale.ROOT, " H%.1f V%.1f", x, y));
            }
        }
        if (!path.isEmpty()) {
            path.append(String.format(Locale.ROOT, " H%d", LEFT + pw));
            b.append("<path d=\"").append(path).append("\" class=\"front\"/>\n");
        }
        for (int i = 0; i < pts.size(); i++) {
            Map<String, String> r = used.get(i);
            double x = LEFT + pw * xa.frac(log ? Math.log10(pts.get(i)[0]) : pts.get(i)[0]);
            double y = TOP + ph * (1 - ya.frac(pts.get(i)[1]));
            int s = strategies.indexOf(r.get("strategy"));
            b.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" class=\"pt%s\">"
                            + "<title>%s</title></circle>%n",
                    x,
                    y,
                    front.contains(i) ? "5" : "3.5",
                    color(s),
                    front.contains(i) ? " on-front" : "",
                    esc(r.get("run_key") + ": " + r.get("strategy") + ", "
                            + r.get("estimator") + ", " + r.get("budgets") + ", seed " + r.get("seed") + " — accuracy "
                            + r.get("accuracy") + ", " + cost + " " + r.get(cost))));
        }
        b.append("</svg><figcaption>accuracy vs ").append(esc(label)).append("</figcaption></figure>\n");
    }

    private static void leaderboard(StringBuilder b, List<Map<String, String>> rows) {
        // Groups of runs that differ only in the estimator.
        Map<String, List<Map<String, String>>> groups = new LinkedHashMap<>();
        for (Map<String, String> r : rows) {
            String key = String.join(
                    "\u0000",
                    r.getOrDefault("model", ""),
                    r.getOrDefault("data", ""),
                    r.getOrDefault("strategy", ""),
                    r.getOrDefault("budgets", ""),
                    r.getOrDefault("seed", ""),
                    r.getOrDefault("formats", ""),
                    r.getOrDefault("activations", ""));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        Map<String, double[]> stats = new LinkedHashMap<>(); // runs, sumAcc, best, rankSum, rankCount, wins, front
        for (String e : distinct(rows, "estimator")) {
            stats.put(e, new double[] {0, 0, Double.NEGATIVE_INFINITY, 0, 0, 0, 0});
        }
        for (Map<String, String> r : rows) {
            double[] s = stats.get(r.get("estimator"));
            double a = num(r.get("accuracy"));
            s[0]++;
            if (!Double.isNaN(a)) {
                s[1] += a;
                s[2] = Math.max(s[2], a);
            }
        }
        for (List<Map<String, String>> g : groups.values()) {
            if (g.size() < 2) {
                continue;
            }
            for (Map<String, String> r : g) {
                double a = num(r.get("accuracy"));
                double better =
                        g.stream().filter(o -> num(o.get("accuracy")) > a).count();
                double equal =
                        g.stream().filter(o -> num(o.get("accuracy")) == a).count();
                double rank = better + (equal + 1) / 2; // average rank of ties
                double[] s = stats.get(r.get("estimator"));
                s[3] += rank;
                s[4]++;
                if (better == 0) {
                    s[5]++;
                }
            }
        }
        for (String model : distinct(rows, "model")) {
            List<Map<String, String>> mine = rows.stream()
                    .filter(r -> model.equals(r.get("model")))
                    .filter(r -> !Double.isNaN(num(r.get("size_bits"))) && !Double.isNaN(num(r.get("accuracy"))))
                    .sorted(Comparator.<Map<String, String>>comparingDouble(r -> num(r.get("size_bits")))
                            .thenComparingDouble(r -> -num(r.get("accuracy"))))
                    .toList();
            double best = Double.NEGATIVE_INFINITY;
            for (Map<String, String> r : mine) {
                if (num(r.get("accuracy")) > best) {
                    best = num(r.get("accuracy"));
                    stats.get(r.get("estimator"))[6]++;
                }
            }
        }
        List<Map.Entry<String, double[]>> order = new ArrayList<>(stats.entrySet());
        order.sort(Comparator.<Map.Entry<String, double[]>>comparingDouble(
                        e -> e.getValue()[4] == 0 ? Double.MAX_VALUE : e.getValue()[3] / e.getValue()[4])
                .thenComparingDouble(e -> -e.getValue()[1] / Math.max(1, e.getValue()[0])));
        b.append(
                "<section id=\"leaderboard\">\n<h2>Estimator leaderboard</h2>\n<p class=\"note\">Rank and wins "
                        + "compare runs that differ only in the estimator (same model, data, formats, strategy, budgets and "
                        + "seed); front points count runs on their model's size Pareto front.</p>\n"
                        + "<table class=\"sortable\" id=\"leaderboard-table\">\n<thead><tr><th data-type=\"number\">#</th>"
                        + "<th>estimator</th><th data-type=\"number\">runs</th><th data-type=\"number\">mean accuracy</th>"
                        + "<th data-type=\"number\">best accuracy</th><th data-type=\"number\">mean rank</th>"
                        + "<th data-type=\"number\">wins</th><th data-type=\"number\">front points</th></tr></thead>\n<tbody>\n");
        int place = 1;
        for (var e : order) {
            double[] s = e.getValue();
            b.append("<tr><td>")
                    .append(place++)
                    .append("</td><td>")
                    .append(esc(e.getKey()))
                    .append("</td><td>")
                    .append((long) s[0])
                    .append("</td><td>")
                    .append(fmt4(s[0] == 0 ? Double.NaN : s[1] / s[0]))
                    .append("</td><td>")
                    .append(fmt4(s[2] == Double.NEGATIVE_INFINITY ? Double.NaN : s[2]))
                    .append("</td><td>")
                    .append(s[4] == 0 ? "" : String.format(Locale.ROOT, "%.2f", s[3] / s[4]))
                    .append("</td><td>")
                    .append((long) s[5])
                    .append("</td><td>")
                    .append((long) s[6])
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private static void runsTable(StringBuilder b, ResultsCsv.Table table) {
        b.append("<section id=\"runs\">\n<h2>All runs</h2>\n<p class=\"note\">Click a column header to sort.</p>\n"
                + "<div class=\"scroll\"><table class=\"sortable\" id=\"runs-table\">\n<thead><tr>");
        for (String c : table.header()) {
            boolean numeric = !table.rows().isEmpty()
                    && table.rows().stream()
                            .map(r -> r.get(c))
                            .allMatch(v -> v == null || v.isEmpty() || !Double.isNaN(num(v)));
            b.append("<th")
                    .append(numeric ? " data-type=\"number\"" : "")
                    .append(">")
                    .append(esc(c))
                    .append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (Map<String, String> r : table.rows()) {
            b.append("<tr>");
            for (String c : table.header()) {
                b.append("<td>").append(esc(r.getOrDefault(c, ""))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    /** A linear axis over [lo, hi] with "nice" ticks. */
    private record Axis(double lo, double hi, double step) {
        Axis(double lo, double hi) {
            this(lo, hi, 0);
        }

        double span() {
            return hi > lo ? hi - lo : Math.max(Math.abs(lo) * 0.1, 1e-9);
        }

        double min() {
            return hi > lo ? lo - 0.05 * span() : lo - span();
        }

        double max() {
            return hi > lo ? hi + 0.05 * span() : lo + span();
        }

        double frac(double v) {
            return (v - min()) / (max() - min());
        }

        List<Double> ticks() {
            double raw = (max() - min()) / 4;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double nice = raw / mag < 1.5 ? 1 : raw / mag < 3 ? 2 : raw / mag < 7 ? 5 : 10;
            double s = nice * mag;
            List<Double> out = new ArrayList<>();
            for (double t = Math.ceil(min() / s) * s; t <= max() + 1e-12; t += s) {
                out.add(Math.abs(t) < s * 1e-9 ? 0 : t);
            }
            return out;
        }
    }

    private static List<String> distinct(List<Map<String, String>> rows, String column) {
        Set<String> s = new LinkedHashSet<>();
        rows.forEach(r -> s.add(r.getOrDefault(column, "")));
        return List.copyOf(s);
    }

    private static String color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    static double num(String s) {
        if (s == null || s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e9) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e9)) + "G";
        }
        if (a >= 1e6) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e6)) + "M";
        }
        if (a >= 1e4) {
            return trim(String.format(Locale.ROOT, "%.3g", v / 1e3)) + "k";
        }
        return trim(String.format(Locale.ROOT, "%.3g", v));
    }

    private static String trim(String s) {
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String fmt4(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String ERROR_TRAP = """
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

    private static final String SORT = """
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

    private static final String CSS = """
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
