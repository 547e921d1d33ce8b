package org.bitbudget.sensitivity;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bitbudget.ir.precision.Precision;

/**
 * How well each estimator predicts the real damage: per estimator and candidate precision, the rank
 * correlation across layers between the estimator's scores and the accuracy drop {@code measured}
 * finds on an evaluation split (one that no estimator saw). Kendall's τ-b and Spearman's ρ, both
 * with ties (ρ is the Pearson correlation of average ranks); 1 means the estimator orders the
 * layers exactly as their damage does. NaN where it is undefined: fewer than two layers, or every
 * score (or every drop) equal.
 */
public final class Leaderboard {
    /** The CSV columns, in order. */
    public static final List<String> COLUMNS = List.of("estimator", "format", "kendall_tau", "spearman_rho", "layers");

    /**
     * One estimator in one precision.
     *
     * @param estimator  the estimator
     * @param format     the precision's label ({@link Precision#label()})
     * @param kendallTau Kendall's τ-b of scores against accuracy drops across layers
     * @param spearmanRho Spearman's ρ of the same
     * @param layers     the number of layers compared
     */
    public record Entry(String estimator, String format, double kendallTau, double spearmanRho, int layers) {}

    private final List<Entry> entries;

    private Leaderboard(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Compares every estimator of {@code estimates} with the accuracy drops of {@code truth} (rows of
     * {@code measured}, typically on the evaluation split), per precision of {@code truth}, over the
     * layers both have.
     */
    public static Leaderboard of(SensitivityTable estimates, SensitivityTable truth) {
        List<Entry> entries = new ArrayList<>();
        for (String estimator : estimates.estimators()) {
            SensitivityTable mine = estimates.of(estimator);
            for (Precision p : truth.precisions()) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (SensitivityRow t : truth.rows()) {
                    if (!t.precision().equals(p)) {
                        continue;
                    }
                    mine.row(t.layer(), p).ifPresent(r -> {
                        x.add(r.score());
                        y.add(t.accuracyDrop());
                    });
                }
                if (x.isEmpty()) {
                    continue;
                }
                double[] xs = x.stream().mapToDouble(Double::doubleValue).toArray();
                double[] ys = y.stream().mapToDouble(Double::doubleValue).toArray();
                entries.add(new Entry(estimator, p.label(), kendallTauB(xs, ys), spearmanRho(xs, ys), xs.length));
            }
        }
        return new Leaderboard(entries);
    }

    /** Kendall's τ-b: (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)), ties in x and y corrected. */
    public static double kendallTauB(double[] x, double[] y) {
        check(x, y);
        int n = x.length;
        long concordant = 0;
        long discordant = 0;
        long tiesX = 0;
        long tiesY = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                int sx = Double.compare(x[i], x[j]);
                int sy = Double.compare(y[i], y[j]);
                if (sx == 0) {
                    tiesX++;
                }
                if (sy == 0) {
                    tiesY++;
                }
                if (sx != 0 && sy != 0) {
                    if (Integer.signum(sx) == Integer.signum(sy)) {
                        concordant++;
                    } else {
                        discordant++;
                    }
                }
            }
        }
        long n0 = (long) n * (n - 1) / 2;
        double denominator = Math.sqrt((double) (n0 - tiesX) * (n0 - tiesY));
        return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
    }

    /** Spearman's ρ: the Pearson correlation of the average ranks (ties share their mean rank). */
    public static double spearmanRho(double[] x, double[] y) {
        check(x, y);
        return pearson(ranks(x), ranks(y));
    }

    /** Ranks 1 … n, ties getting the mean of the ranks they span. */
    static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && Double.compare(v[order[j + 1]], v[order[i]]) == 0) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    private static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    private static void check(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " scores but " + y.length + " references");
        }
    }

    /** Writes {@link #COLUMNS} as CSV, one row per entry (NaN as an empty field). */
    public void write(Writer writer) throws IOException {
        CsvSchema.Builder b = CsvSchema.builder();
        COLUMNS.forEach(b::addColumn);
        try (var out = new CsvMapper().writer(b.build().withHeader()).writeValues(writer)) {
            for (Entry e : entries) {
                out.write(List.of(
                        e.estimator(), e.format(), number(e.kendallTau()), number(e.spearmanRho()), e.layers()));
            }
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }
}
