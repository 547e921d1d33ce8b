package org.bitbudget.sensitivity;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * A sensitivity table: layer × precision → damage score, for one or more estimators. Immutable.
 *
 * <p>CSV form ({@link #write}, {@link #read}): the header
 * {@code layer,estimator,weights,activations,score,seconds,standard_error,accuracy,accuracy_drop,accumulator},
 * one row per layer × candidate precision × estimator. The first six columns are DESIGN.md's; the
 * next three are empty where an estimator does not give them; {@code accumulator} is the
 * precision's accumulator width in bits (32 when absent on reading). {@code weights} and
 * {@code activations} are quantizers in {@link Specs}' text form.
 */
public final class SensitivityTable {
    /** The CSV columns, in order. */
    public static final List<String> COLUMNS = List.of(
            "layer",
            "estimator",
            "weights",
            "activations",
            "score",
            "seconds",
            "standard_error",
            "accuracy",
            "accuracy_drop",
            "accumulator");

    private final List<SensitivityRow> rows;

    public SensitivityTable(List<SensitivityRow> rows) {
        this.rows = List.copyOf(rows);
    }

    /** The tables' rows, one after the other. */
    public static SensitivityTable concat(Collection<SensitivityTable> tables) {
        List<SensitivityRow> all = new ArrayList<>();
        tables.forEach(t -> all.addAll(t.rows));
        return new SensitivityTable(all);
    }

    public List<SensitivityRow> rows() {
        return rows;
    }

    /** The estimators present, in first-seen order. */
    public List<String> estimators() {
        return rows.stream().map(SensitivityRow::estimator).distinct().toList();
    }

    /** The layers present, in first-seen order. */
    public List<String> layers() {
        return rows.stream().map(SensitivityRow::layer).distinct().toList();
    }

    /** The precisions present, in first-seen order. */
    public List<Precision> precisions() {
        return rows.stream().map(SensitivityRow::precision).distinct().toList();
    }

    /** The rows of one estimator. */
    public SensitivityTable of(String estimator) {
        return new SensitivityTable(
                rows.stream().filter(r -> r.estimator().equals(estimator)).toList());
    }

    /**
     * The row for {@code layer} in {@code precision} (of the first estimator that has one): the row
     * of exactly that precision, accumulator included, else one with the same weight and activation
     * quantizers (a table read from a CSV, which has no accumulator column, scores 32 bits).
     */
    public Optional<SensitivityRow> row(String layer, Precision precision) {
        Optional<SensitivityRow> exact = rows.stream()
                .filter(r -> r.layer().equals(layer) && r.precision().equals(precision))
                .findFirst();
        return exact.isPresent()
                ? exact
                : rows.stream()
                        .filter(r -> r.layer().equals(layer)
                                && r.precision().weights().equals(precision.weights())
                                && r.precision().activations().equals(precision.activations()))
                        .findFirst();
    }

    /**
     * The score of {@code layer} in {@code precision}.
     *
     * @throws IllegalArgumentException when the table has no such row
     */
    public double score(String layer, Precision precision) {
        return row(layer, precision)
                .orElseThrow(() -> new IllegalArgumentException("no row for " + layer + " in " + precision))
                .score();
    }

    /** Per estimator, the sum of its rows' seconds: its wall time. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        rows.forEach(r -> out.merge(r.estimator(), r.seconds(), Double::sum));
        return out;
    }

    private static CsvSchema schema() {
        CsvSchema.Builder b = CsvSchema.builder();
        COLUMNS.forEach(b::addColumn);
        return b.build().withHeader();
    }

    /** Writes the CSV form. */
    public void write(Writer writer) throws IOException {
        try (var out = new CsvMapper().writer(schema()).writeValues(writer)) {
            for (SensitivityRow r : rows) {
                out.write(List.of(
                        r.layer(),
                        r.estimator(),
                        r.weights(),
                        r.activations(),
                        number(r.score()),
                        number(r.seconds()),
                        number(r.standardError()),
                        number(r.accuracy()),
                        number(r.accuracyDrop()),
                        Integer.toString(r.precision().accumulatorBits())));
            }
        }
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return Double.toString(v).toLowerCase(Locale.ROOT).replace("infinity", "inf");
    }

    /**
     * Reads the CSV form; the last four columns may be missing.
     *
     * @throws IllegalArgumentException naming the line and column that is wrong
     */
    public static SensitivityTable read(Reader reader) throws IOException {
        CsvMapper mapper = new CsvMapper();
        List<SensitivityRow> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader())
                .readValues(reader)) {
            int line = 1;
            while (it.hasNext()) {
                Map<String, String> m = it.next();
                line++;
                for (String c : COLUMNS.subList(0, 6)) {
                    if (m.get(c) == null || m.get(c).isBlank()) {
                        throw new IllegalArgumentException("line " + line + ": column " + c + " is missing");
                    }
                }
                try {
                    QuantizerSpec w = Specs.parse(m.get("weights"), true);
                    QuantizerSpec a = Specs.parse(m.get("activations"), false);
                    String acc = m.get("accumulator");
                    int accumulator = acc == null || acc.isBlank() ? 32 : Integer.parseInt(acc.trim());
                    rows.add(new SensitivityRow(
                            m.get("layer"),
                            m.get("estimator"),
                            new Precision(w, a, accumulator),
                            parse(m.get("score")),
                            parse(m.get("seconds")),
                            parse(m.get("standard_error")),
                            parse(m.get("accuracy")),
                            parse(m.get("accuracy_drop"))));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + line + ": " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new SensitivityTable(rows);
    }

    private static double parse(String s) {
        if (s == null || s.isBlank()) {
            return Double.NaN;
        }
        String t = s.trim();
        return switch (t) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + s + "' is not a number");
                }
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SensitivityTable t && t.rows.equals(rows);
    }

    @Override
    public int hashCode() {
        return rows.hashCode();
    }

    @Override
    public String toString() {
        return "SensitivityTable" + rows;
    }
}
