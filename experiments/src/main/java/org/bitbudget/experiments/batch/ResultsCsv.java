package org.bitbudget.experiments.batch;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.pipeline.Outcome;

/**
 * The results CSV: one row per run, the stable columns of {@link #COLUMNS} in that order (DESIGN.md's
 * columns first, then {@code metric} and {@code score} (the run's metric and the chosen config's score
 * by it), {@code run_index}, {@code experiment}, {@code formats}, {@code activations}, then the chosen
 * config beside its references: {@code float_accuracy}, {@code drop} (float minus chosen by the metric,
 * in its direction, on the evaluation set), {@code calibration_score} (by the metric), {@code
 * replaced_by} (what measured config beat the strategy's pick, empty when none did), {@code
 * best_uniform} and {@code best_uniform_accuracy} (the feasible uniform config with the best
 * calibration score)).
 * Costs a run does not know are empty cells; {@code budgets}, {@code formats} and {@code activations}
 * join their items with {@code "; "}. Numbers are written in a fixed, locale-free form, so two runs
 * that measured the same values write the same bytes.
 */
public final class ResultsCsv {
    /** Every column, in order. */
    public static final List<String> COLUMNS = List.of(
            "run_key",
            "model",
            "data",
            "estimator",
            "strategy",
            "budgets",
            "seed",
            "accuracy",
            "size_bits",
            "bops",
            "energy_pj",
            "latency_ms",
            "max_accumulator_bits",
            "search_seconds",
            "eval_seconds",
            "engine",
            "config_path",
            "metric",
            "score",
            "run_index",
            "experiment",
            "formats",
            "activations",
            "float_accuracy",
            "drop",
            "calibration_score",
            "replaced_by",
            "best_uniform",
            "best_uniform_accuracy");
    /**
     * Columns that measure wall time and so differ between two executions of the same run; everything
     * else is a function of the run's inputs.
     */
    public static final Set<String> TIMING_COLUMNS = Set.of("search_seconds", "eval_seconds", "latency_ms");

    private ResultsCsv() {}

    /** A table read from a CSV: its header and rows (column → cell). */
    public record Table(List<String> header, List<Map<String, String>> rows) {
        public Table {
            header = List.copyOf(header);
            rows = List.copyOf(rows);
        }
    }

    /** The row of a finished run; {@code configPath} is relative to the batch's output folder. */
    public static Map<String, String> row(RunSpec spec, RunResult r, String configPath) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("run_key", spec.key());
        m.put("model", spec.model());
        m.put("data", spec.data());
        m.put("estimator", spec.estimator());
        m.put("strategy", spec.strategy());
        m.put("budgets", spec.budgetText());
        m.put("seed", Long.toString(spec.seed()));
        m.put("accuracy", number(r.accuracy()));
        m.put("size_bits", number(r.sizeBits()));
        m.put("bops", number(r.bops()));
        m.put("energy_pj", number(r.energyPj()));
        m.put("latency_ms", number(r.latencyMs()));
        m.put("max_accumulator_bits", number(r.maxAccumulatorBits()));
        m.put("search_seconds", seconds(r.searchSeconds()));
        m.put("eval_seconds", seconds(r.evalSeconds()));
        m.put("engine", r.engine());
        m.put("config_path", configPath);
        m.put("metric", r.run().metric());
        m.put("score", number(r.run().score()));
        m.put("run_index", Integer.toString(spec.index()));
        m.put("experiment", spec.experiment());
        m.put("formats", String.join("; ", spec.formats()));
        m.put("activations", String.join("; ", spec.activations()));
        Outcome o = r.run().outcome();
        m.put("float_accuracy", number(o.floatAccuracy()));
        m.put("drop", number(r.run().drop()));
        m.put("calibration_score", number(o.score()));
        m.put("replaced_by", o.replacedBy() == null ? "" : o.replacedBy());
        m.put("best_uniform", o.bestUniform() == null ? "" : o.bestUniform().uniform());
        m.put(
                "best_uniform_accuracy",
                o.bestUniform() == null ? "" : number(o.bestUniform().accuracy()));
        return m;
    }

    /** A number as the CSV writes it: empty for NaN, an integer when whole, else the shortest exact decimal. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String seconds(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** Writes {@code header} and {@code rows} (RFC 4180 quoting, {@code \n} line ends). */
    public static void write(Writer out, List<String> header, List<Map<String, String>> rows) throws IOException {
        out.write(line(header));
        for (Map<String, String> row : rows) {
            List<String> cells = new ArrayList<>(header.size());
            for (String c : header) {
                cells.add(row.getOrDefault(c, ""));
            }
            out.write(line(cells));
        }
    }

    private static String line(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String c = cells.get(i) == null ? "" : cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        return b.append('\n').toString();
    }

    /** Reads a CSV with a header; errors name the file. */
    public static Table read(Path file) {
        List<String[]> lines = new ArrayList<>();
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(file.toFile())) {
            while (it.hasNext()) {
                lines.add(it.next());
            }
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new UserInputException(file.toString(), "no such file");
        } catch (IOException | RuntimeException e) {
            throw new UserInputException(file.toString(), "not a readable CSV: " + firstLine(e.getMessage()));
        }
        if (lines.isEmpty()) {
            throw new UserInputException(file.toString(), "empty; a results CSV starts with a header line");
        }
        List<String> header = List.of(lines.getFirst());
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i);
            if (cells.length == 1 && cells[0].isEmpty()) {
                continue;
            }
            if (cells.length != header.size()) {
                throw new UserInputException(
                        file + ": line " + (i + 1),
                        "has " + cells.length + " cells but the header " + "has " + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < cells.length; c++) {
                row.put(header.get(c), cells[c]);
            }
            rows.add(row);
        }
        return new Table(header, rows);
    }

    /** {@code rows} without the timing columns, for comparing two executions of the same runs. */
    public static List<Map<String, String>> withoutTiming(List<Map<String, String>> rows, String... alsoDrop) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> r : rows) {
            Map<String, String> m = new LinkedHashMap<>(r);
            TIMING_COLUMNS.forEach(m::remove);
            Stream.of(alsoDrop).forEach(m::remove);
            out.add(m);
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
