package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's estimator leaderboard: runs, mean and best accuracy, mean rank and wins among runs
 * that differ only in the estimator, and runs on their model's size Pareto front.
 */
final class Leaderboard {
    private Leaderboard() {}

    /** The leaderboard section of the runs {@code rows}; one sentence instead when they share one estimator. */
    static void write(StringBuilder b, List<Map<String, String>> rows) {
        List<String> estimators = Dashboard.distinct(rows, "estimator");
        if (estimators.size() < 2) {
            b.append("<section id=\"leaderboard\">\n<h2>Estimator leaderboard</h2>\n<p class=\"note\" "
                            + "id=\"leaderboard-single\">All runs use one estimator (")
                    .append(Dashboard.esc(String.join("", estimators)))
                    .append("): the leaderboard ranks estimators against each other, so it needs runs that differ in "
                            + "the estimator (list several under <code>estimators:</code> in the experiment).</p>\n"
                            + "</section>\n");
            return;
        }
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
        for (String e : Dashboard.distinct(rows, "estimator")) {
            stats.put(e, new double[] {0, 0, Double.NEGATIVE_INFINITY, 0, 0, 0, 0});
        }
        for (Map<String, String> r : rows) {
            double[] s = stats.get(r.get("estimator"));
            double a = Dashboard.num(r.get("accuracy"));
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
                double a = Dashboard.num(r.get("accuracy"));
                double better = g.stream()
                        .filter(o -> Dashboard.num(o.get("accuracy")) > a)
                        .count();
                double equal = g.stream()
                        .filter(o -> Dashboard.num(o.get("accuracy")) == a)
                        .count();
                double rank = better + (equal + 1) / 2; // average rank of ties
                double[] s = stats.get(r.get("estimator"));
                s[3] += rank;
                s[4]++;
                if (better == 0) {
                    s[5]++;
                }
            }
        }
        for (String model : Dashboard.distinct(rows, "model")) {
            List<Map<String, String>> mine = rows.stream()
                    .filter(r -> model.equals(r.get("model")))
                    .filter(r -> !Double.isNaN(Dashboard.num(r.get("size_bits")))
                            && !Double.isNaN(Dashboard.num(r.get("accuracy"))))
                    .sorted(Comparator.<Map<String, String>>comparingDouble(r -> Dashboard.num(r.get("size_bits")))
                            .thenComparingDouble(r -> -Dashboard.num(r.get("accuracy"))))
                    .toList();
            double best = Double.NEGATIVE_INFINITY;
            for (Map<String, String> r : mine) {
                if (Dashboard.num(r.get("accuracy")) > best) {
                    best = Dashboard.num(r.get("accuracy"));
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
                    .append(Dashboard.esc(e.getKey()))
                    .append("</td><td>")
                    .append((long) s[0])
                    .append("</td><td>")
                    .append(Dashboard.fmt4(s[0] == 0 ? Double.NaN : s[1] / s[0]))
                    .append("</td><td>")
                    .append(Dashboard.fmt4(s[2] == Double.NEGATIVE_INFINITY ? Double.NaN : s[2]))
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
}
