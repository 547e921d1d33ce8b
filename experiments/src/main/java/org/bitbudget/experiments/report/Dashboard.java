package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
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

    /** The page for {@code table}, from its rows alone. */
    public static String render(ResultsCsv.Table table, String title, String source) {
        return render(table, title, source, Map.of());
    }

    /**
     * The page for {@code table}, with what each run's folder adds ({@link RunFolder#of}): budget lines,
     * uniform configs and, for a single search, its sweep.
     */
    public static String render(ResultsCsv.Table table, String title, String source, Map<String, RunFolder> folders) {
        List<Map<String, String>> rows = table.rows();
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\" data-errors=\"0\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>")
                .append(esc(title))
                .append("</title>\n")
                .append("<script>\n")
                .append(DashboardAssets.ERROR_TRAP)
                .append("</script>\n")
                .append("<style>\n")
                .append(DashboardAssets.CSS)
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
                + "Pareto front</span><span><svg width=\"22\" height=\"12\"><line x1=\"1\" y1=\"6\" x2=\"21\" y2=\"6\" "
                + "class=\"baseline\"/></svg> float model</span><span><svg width=\"12\" height=\"12\"><line x1=\"6\" "
                + "y1=\"0\" x2=\"6\" y2=\"12\" class=\"budget\"/></svg> budget</span><span><svg width=\"12\" "
                + "height=\"12\"><rect x=\"2\" y=\"2\" width=\"8\" height=\"8\" class=\"uniform\"/></svg> uniform config"
                + "</span></p>\n<p class=\"note\">Each dot is the config a run chose; runs that landed on the same point "
                + "sit on a small ring around it. Hover a mark for its numbers.</p>\n");
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
                    plot(b, mine, cost.getKey(), cost.getValue(), strategies, folders);
                }
            }
            b.append("</div>\n</div>\n");
        }
        b.append("</section>\n");
        Leaderboard.write(b, rows);
        runsTable(b, table);
        b.append("<script>\n").append(DashboardAssets.SORT).append("</script>\n</body>\n</html>\n");
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

    /**
     * One scatter plot of accuracy against {@code cost}: every run's chosen config coloured by strategy
     * (runs at the same point spread on a small ring, each keeping its title), the Pareto front, the
     * float model, each budget on this cost, the uniform configs and, for a single search, its sweep.
     */
    private static void plot(
            StringBuilder b,
            List<Map<String, String>> rows,
            String cost,
            String label,
            List<String> strategies,
            Map<String, RunFolder> folders) {
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
        List<RunFolder> mine = rows.stream()
                .map(r -> folders.getOrDefault(r.get("run_key"), RunFolder.NONE))
                .toList();
        double baseline = rows.stream()
                .mapToDouble(r -> num(r.get("float_accuracy")))
                .filter(Double::isFinite)
                .findFirst()
                .orElse(Double.NaN);
        Map<Double, String> limits = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            List<RunFolder.Limit> given = mine.get(i).limits().isEmpty()
                    ? RunFolder.absoluteLimits(rows.get(i).getOrDefault("budgets", ""))
                    : mine.get(i).limits();
            given.stream().filter(l -> l.column().equals(cost)).forEach(l -> limits.putIfAbsent(l.limit(), l.text()));
        }
        List<RunFolder.Point> uniform =
                mine.stream().map(RunFolder::uniform).filter(u -> !u.isEmpty()).findFirst().orElse(List.of()).stream()
                        .filter(u -> Double.isFinite(u.costs().getOrDefault(cost, Double.NaN)))
                        .toList();
        List<RunFolder.Point> sweep = rows.size() == 1
                ? mine.getFirst().sweep().stream()
                        .filter(u -> Double.isFinite(u.costs().getOrDefault(cost, Double.NaN)))
                        .toList()
                : List.of();
        List<Double> xs = new ArrayList<>(pts.stream().map(p -> p[0]).toList());
        List<Double> ys = new ArrayList<>(pts.stream().map(p -> p[1]).toList());
        xs.addAll(limits.keySet());
        for (RunFolder.Point u : concat(uniform, sweep)) {
            xs.add(u.costs().get(cost));
            ys.add(u.accuracy());
        }
        if (Double.isFinite(baseline)) {
            ys.add(baseline);
        }
        double xMin = xs.stream().mapToDouble(v -> v).min().orElse(0);
        double xMax = xs.stream().mapToDouble(v -> v).max().orElse(1);
        boolean log = xMin > 0 && xMax / xMin > 20;
        NiceAxis xa = new NiceAxis(log ? Math.log10(xMin) : xMin, log ? Math.log10(xMax) : xMax);
        NiceAxis ya = new NiceAxis(
                ys.stream().mapToDouble(v -> v).min().orElse(0),
                ys.stream().mapToDouble(v -> v).max().orElse(1));
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        DoubleUnaryOperator px = v -> LEFT + pw * xa.frac(log ? Math.log10(v) : v);
        DoubleUnaryOperator py = v -> TOP + ph * (1 - ya.frac(v));
        Labels labels = new Labels(LEFT, TOP, LEFT + pw, TOP + ph);
        b.append("<figure class=\"plot\" data-cost=\"")
                .append(cost)
                .append("\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
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
        b.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>%n",
                LEFT,
                TOP,
                pw,
                ph));
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
                    NiceAxis.label(t)));
        }
        List<Double> xTicks = log ? decades(xa) : xa.ticks();
        for (double t : xTicks) {
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
                    NiceAxis.label(log ? Math.pow(10, t) : t)));
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
        if (Double.isFinite(baseline)) {
            double y = py.applyAsDouble(baseline);
            String text = "float " + NiceAxis.round(baseline);
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"baseline\">"
                            + "<title>float model: accuracy %s</title></line>%n",
                    LEFT,
                    LEFT + pw,
                    y,
                    y,
                    NiceAxis.round(baseline)));
            double w = Labels.width(text);
            b.append(labels.place(text, "note baseline-label", "#2ca02c", new double[][] {
                {LEFT + pw - 4 - w, y - 4}, {LEFT + pw - 4 - w, y + 13}, {LEFT + 4, y - 4}, {LEFT + 4, y + 13}
            }));
        }
        int row = 0;
        for (var limit : limits.entrySet()) {
            double x = px.applyAsDouble(limit.getKey());
            b.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"budget\">"
                            + "<title>budget %s: %s %s</title></line>%n",
                    x,
                    x,
                    TOP,
                    TOP + ph,
                    esc(limit.getValue()),
                    esc(cost),
                    NiceAxis.round(limit.getKey())));
            String text = NiceAxis.label(limit.getKey());
            double w = Labels.width(text);
            List<double[]> spots = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                double y = TOP + 12 + 13 * ((row + k) % 6);
                spots.add(new double[] {x + 3, y});
                spots.add(new double[] {x - 3 - w, y});
            }
            b.append(labels.place(text, "note budget-label", "#d62728", spots.toArray(double[][]::new)));
            row++;
        }
        for (RunFolder.Point u : sweep) {
            b.append(String.format(
                    Locale.ROOT,
                    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" class=\"sweep\"><title>%s point: accuracy %s, %s %s"
                            + "</title></circle>%n",
                    px.applyAsDouble(u.costs().get(cost)),
                    py.applyAsDouble(u.accuracy()),
                    u.label(),
                    NiceAxis.round(u.accuracy()),
                    esc(cost),
                    NiceAxis.round(u.costs().get(cost))));
        }
        for (RunFolder.Point u : uniform) {
            double x = px.applyAsDouble(u.costs().get(cost));
            double y = py.applyAsDouble(u.accuracy());
            b.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" class=\"uniform\">"
                            + "<title>uniform %s: accuracy %s, %s %s</title></rect>%n",
                    x - 3.5,
                    y - 3.5,
                    esc(u.label()),
                    NiceAxis.round(u.accuracy()),
                    esc(cost),
                    NiceAxis.round(u.costs().get(cost))));
            double w = Labels.width(u.label());
            b.append(labels.place(u.label(), "note uniform-label", "#b35900", new double[][] {
                {x + 6, y - 5}, {x + 6, y + 13}, {x - 6 - w, y - 5}, {x - 6 - w, y + 13}
            }));
        }
        front(b, pts, px, py, LEFT + pw);
        Set<Integer> front = frontIndices(pts);
        Map<String, List<Integer>> same = new LinkedHashMap<>();
        for (int i = 0; i < pts.size(); i++) {
            String at = String.format(
                    Locale.ROOT, "%.1f,%.1f", px.applyAsDouble(pts.get(i)[0]), py.applyAsDouble(pts.get(i)[1]));
            same.computeIfAbsent(at, k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : same.values()) {
            for (int k = 0; k < group.size(); k++) {
                int i = group.get(k);
                Map<String, String> r = used.get(i);
                // Runs at one point spread on a ring of 4 px, so that each stays visible and hoverable.
                double angle = 2 * Math.PI * k / group.size();
                double ring = group.size() > 1 ? 4 : 0;
                double x = px.applyAsDouble(pts.get(i)[0]) + ring * Math.cos(angle);
                double y = py.applyAsDouble(pts.get(i)[1]) - ring * Math.sin(angle);
                int s = strategies.indexOf(r.get("strategy"));
                b.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" class=\"pt%s\"%s>"
                                + "<title>%s</title></circle>%n",
                        x,
                        y,
                        front.contains(i) ? "5" : "3.5",
                        color(s),
                        front.contains(i) ? " on-front" : "",
                        group.size() > 1 ? " data-same=\"" + group.size() + "\"" : "",
                        esc(r.get("run_key") + ": " + r.get("strategy") + ", " + r.get("estimator") + ", "
                                + r.get("budgets") + ", seed " + r.get("seed") + " — accuracy "
                                + NiceAxis.round(pts.get(i)[1]) + ", " + cost + " " + NiceAxis.round(pts.get(i)[0])
                                + (group.size() > 1 ? " (" + group.size() + " runs at this point)" : ""))));
            }
        }
        b.append("</svg><figcaption>accuracy vs ").append(esc(label)).append("</figcaption></figure>\n");
    }

    private static List<RunFolder.Point> concat(List<RunFolder.Point> a, List<RunFolder.Point> c) {
        List<RunFolder.Point> out = new ArrayList<>(a);
        out.addAll(c);
        return out;
    }

    /**
     * Ticks of a log axis (in log10 units) at 1, 2 and 5 × 10^k inside it; at powers of ten alone when
     * those are more than eight.
     */
    private static List<Double> decades(NiceAxis axis) {
        List<Double> all = new ArrayList<>();
        List<Double> tens = new ArrayList<>();
        for (long k = (long) Math.floor(axis.min()); k <= Math.ceil(axis.max()); k++) {
            for (int m : new int[] {1, 2, 5}) {
                double t = k + Math.log10(m);
                if (t >= axis.min() && t <= axis.max()) {
                    all.add(t);
                    if (m == 1) {
                        tens.add(t);
                    }
                }
            }
        }
        return all.size() > 8 && tens.size() >= 2 ? tens : all;
    }

    /** The runs on the Pareto front: sorted by cost, each more accurate than every cheaper one. */
    private static Set<Integer> frontIndices(List<double[]> pts) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pts.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> pts.get(i)[0]).thenComparingDouble(i -> -pts.get(i)[1]));
        double best = Double.NEGATIVE_INFINITY;
        Set<Integer> front = new LinkedHashSet<>();
        for (int i : order) {
            if (pts.get(i)[1] > best) {
                best = pts.get(i)[1];
                front.add(i);
            }
        }
        return front;
    }

    private static void front(
            StringBuilder b, List<double[]> pts, DoubleUnaryOperator px, DoubleUnaryOperator py, int right) {
        StringBuilder path = new StringBuilder();
        for (int i : frontIndices(pts)) {
            double x = px.applyAsDouble(pts.get(i)[0]);
            double y = py.applyAsDouble(pts.get(i)[1]);
            path.append(
                    path.isEmpty()
                            ? String.format(Locale.ROOT, "M%.1f %.1f", x, y)
                            : String.format(Locale.ROOT, " H%.1f V%.1f", x, y));
        }
        if (!path.isEmpty()) {
            path.append(String.format(Locale.ROOT, " H%d", right));
            b.append("<path d=\"").append(path).append("\" class=\"front\"/>\n");
        }
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
                b.append("<td>").append(esc(readable(r.getOrDefault(c, "")))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    /** A decimal cell rounded for reading (0.26491080000000006 → 0.264911); other text as it is. */
    private static String readable(String cell) {
        return cell.contains(".") && !Double.isNaN(num(cell)) ? NiceAxis.round(num(cell)) : cell;
    }

    static List<String> distinct(List<Map<String, String>> rows, String column) {
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

    static String fmt4(double v) {
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
}
