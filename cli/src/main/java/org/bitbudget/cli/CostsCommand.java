package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.costs.CostModel;
import org.bitbudget.costs.CostModels;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.EnergyTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.costs.latency.MeasuredLatency;
import org.bitbudget.costs.latency.RooflineLatency;
import org.bitbudget.costs.latency.TableLatency;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.pipeline.Budgets;
import org.bitbudget.search.Budget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget costs}: the cost table of a model's layers at candidate precisions, and uniform totals. */
@Command(
        name = "costs",
        mixinStandardHelpOptions = true,
        resourceBundle = RegistryHelp.BUNDLE,
        description = {
            "Print what each layer costs at each candidate precision (weight formats x activation "
                    + "formats) in each cost model (see --models) and, with --latency, latency; then the totals of "
                    + "each uniform config and which --budget they meet."
        })
final class CostsCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Option(
            names = "--formats",
            paramLabel = "F,...",
            defaultValue = "int8,int4,int2",
            split = ",",
            description = "Weight formats (default: ${DEFAULT-VALUE})")
    List<String> formats;

    @Option(
            names = "--activations",
            paramLabel = "F,...",
            defaultValue = "float",
            split = ",",
            description = "Activation formats; float means weight-only (default: ${DEFAULT-VALUE})")
    List<String> activations;

    @Option(
            names = "--granularity",
            paramLabel = "G",
            defaultValue = "per-channel",
            description = "Weight granularity: per-tensor, per-channel or per-vector(N) (default: ${DEFAULT-VALUE})")
    String granularity;

    @Option(
            names = "--models",
            paramLabel = "M,...",
            split = ",",
            description = {
                "Cost models (default: every one but latency, which joins with --latency):",
                "${bundle:cost-models}"
            })
    List<String> models;

    @Reads
    @Option(
            names = "--latency",
            paramLabel = "measured|roofline|F.csv",
            description = "Add latency: measured on this machine's engines (cached per machine and JDK), a roofline "
                    + "estimate, or a table layer,precision,ms measured elsewhere")
    String latency;

    @Option(
            names = "--batch",
            paramLabel = "B",
            defaultValue = "1",
            description = "Images per inference for --latency measured (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--energy-table",
            paramLabel = "F.yaml",
            description = "Energy per operation and access, overriding keys of the 45 nm default table")
    Path energyTable;

    @Option(
            names = "--budget",
            paramLabel = "EXPR",
            description = "A budget to check the uniform configs against, e.g. 'size <= 64KiB' or 'bops <= 0.25*int8' "
                    + "(repeatable; all must hold)")
    List<String> budgets = new ArrayList<>();

    @Writes
    @Option(names = "--out", paramLabel = "C.csv", description = "Write the cost table as CSV")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (out != null) {
            AtomicOutput.checkFolder("--out", out);
        }
        if (batch < 1) {
            throw new UserInputException("--batch", "must be at least 1, got " + batch);
        }
        List<Precision> candidates = candidates();
        EnergyTable energy = energyTable == null ? EnergyTable.defaults() : EnergyTable.load(energyTable);
        Graph graph = model.load();
        List<LayerInfo> layers;
        try {
            layers = LayerInfo.of(graph);
        } catch (UserInputException e) {
            throw e.within(model.model.toString());
        }
        List<CostModel> chosen = costModels(graph, energy);
        CostTable table;
        try {
            table = CostTable.of(layers, candidates, chosen);
        } catch (UserInputException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UserInputException(model.model.toString(), e.getMessage(), e);
        }
        List<Budget> parsed = Budgets.parseAll(budgets, table::reference);
        for (Budget b : parsed) {
            if (!table.has(b.cost())) {
                throw new UserInputException(
                        "budget '" + b.text() + "'",
                        "the cost model " + b.cost()
                                + " is not computed (add it to --models"
                                + (b.cost().equals("latency") ? " and give --latency" : "") + ")");
            }
        }
        if (out != null) {
            AtomicOutput.writeText("--out", out, table::writeCsv);
        }
        if (json.json) {
            System.out.println(JsonOption.toJson(toJson(table, parsed)));
        } else {
            System.out.print(text(table, parsed));
        }
        return 0;
    }

    private List<Precision> candidates() {
        Granularity g;
        try {
            g = Granularity.parse(granularity);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--granularity", e.getMessage());
        }
        List<Precision> out = new ArrayList<>();
        for (String w : new LinkedHashSet<>(formats)) {
            NumberFormat wf = format("--formats", w);
            QuantizerSpec ws = !wf.quantizes()
                    ? QuantizerSpec.FLOAT
                    : new QuantizerSpec(wf, g, QuantizerSpec.weights(wf).clipping(), null);
            for (String a : new LinkedHashSet<>(activations)) {
                NumberFormat af = format("--activations", a);
                out.add(new Precision(ws, !af.quantizes() ? QuantizerSpec.FLOAT : QuantizerSpec.activations(af), 32));
            }
        }
        if (out.isEmpty()) {
            throw new UserInputException("--formats", "give at least one format");
        }
        return out;
    }

    private static NumberFormat format(String option, String name) {
        try {
            return NumberFormat.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(option, e.getMessage());
        }
    }

    private List<CostModel> costModels(Graph graph, EnergyTable energy) {
        List<String> names = new ArrayList<>(models == null || models.isEmpty() ? CostModels.ANALYTIC : models);
        if (latency != null && !names.contains("latency")) {
            names.add("latency");
        }
        List<CostModel> out = new ArrayList<>();
        for (String n : new LinkedHashSet<>(names)) {
            String name = n.strip().toLowerCase(Locale.ROOT);
            if (name.equals("latency")) {
                out.add(latencyModel(graph));
                continue;
            }
            try {
                out.add(CostModels.create(name, graph, energy));
            } catch (UnknownNameException e) {
                throw new UserInputException("--models", UnknownNameException.reason(n, e.known()));
            }
        }
        return out;
    }

    private CostModel latencyModel(Graph graph) {
        if (latency == null) {
            throw new UserInputException("--models", "latency needs --latency measured|roofline|F.csv");
        }
        return switch (latency) {
            case "measured" -> {
                graph.inputs().forEach(input -> Limits.batch("--batch", batch, input));
                MeasuredLatency m = MeasuredLatency.onThisMachine(graph, batch);
                System.err.println(
                        "latency: measured per layer, batch " + batch + ", one thread; cached in " + m.cacheFile());
                yield m;
            }
            case "roofline" -> RooflineLatency.defaults();
            default -> {
                if (!Files.isRegularFile(Path.of(latency))) {
                    throw new UserInputException(
                            "--latency " + latency,
                            "not measured, roofline or a latency table file (layer,precision,ms CSV)");
                }
                yield TableLatency.load(Path.of(latency));
            }
        };
    }

    private Map<String, Object> toJson(CostTable table, List<Budget> parsed) {
        List<Map<String, Object>> layers = new ArrayList<>();
        MeasuredLatency measured = table.models().stream()
                .filter(m -> m instanceof MeasuredLatency)
                .map(m -> (MeasuredLatency) m)
                .findFirst()
                .orElse(null);
        for (Map<String, Object> row : table.rows()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", row.get("layer"));
            row.forEach((k, v) -> {
                if (!k.equals("layer")) {
                    r.put(k, v);
                }
            });
            if (r.containsKey("size_bits")) {
                r.put("size_bytes", ((Number) r.get("size_bits")).doubleValue() / 8);
            }
            if (measured != null) {
                Precision p = table.candidates().stream()
                        .filter(c -> c.label().equals(row.get("precision")))
                        .findFirst()
                        .orElseThrow();
                r.put("latency_engine", measured.engine((String) row.get("layer"), p));
            }
            layers.add(r);
        }
        Map<String, Object> uniform = new LinkedHashMap<>();
        for (Precision p : table.candidates()) {
            Map<String, Object> totals = new LinkedHashMap<>();
            Map<String, Double> t = table.totals(PrecisionConfig.uniform(p));
            for (CostModel m : table.models()) {
                totals.put(m.key(), number(t.get(m.name())));
                if (m.name().equals("size")) {
                    totals.put("size_bytes", t.get("size") / 8);
                }
            }
            if (!parsed.isEmpty()) {
                totals.put("meets_budgets", Budgets.holdAll(parsed, t));
            }
            uniform.put(p.label(), totals);
        }
        List<Map<String, Object>> budgetRows = new ArrayList<>();
        for (Budget b : parsed) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("budget", b.text());
            r.put("cost", b.cost());
            r.put("limit", b.limit());
            r.put("unit", table.model(b.cost()).unit());
            budgetRows.add(r);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model.model.toString());
        List<Map<String, Object>> modelRows = new ArrayList<>();
        for (CostModel m : table.models()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", m.name());
            r.put("unit", m.unit());
            r.put("key", m.key());
            r.put("total", m.total().name().toLowerCase(Locale.ROOT));
            modelRows.add(r);
        }
        result.put("models", modelRows);
        result.put("layers", layers);
        result.put("uniform", uniform);
        if (!parsed.isEmpty()) {
            result.put("budgets", budgetRows);
        }
        if (out != null) {
            result.put("out", out.toString());
        }
        return result;
    }

    private static Object number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 0x1p53 ? (Object) (long) v : (Object) v;
    }

    private static String text(CostTable table, List<Budget> parsed) {
        List<CostModel> models = table.models();
        int layerWidth = Math.max(
                5,
                table.layers().stream().mapToInt(l -> l.name().length()).max().orElse(5));
        int precisionWidth = Math.max(
                9,
                table.candidates().stream()
                        .mapToInt(p -> p.label().length())
                        .max()
                        .orElse(9));
        String rowStart = "%-" + layerWidth + "s  %-" + precisionWidth + "s";
        List<String> columns = new ArrayList<>();
        for (CostModel m : models) {
            columns.add(" %" + Math.max(12, m.key().length()) + "s");
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, rowStart, "layer", "precision"));
        for (int i = 0; i < models.size(); i++) {
            b.append(String.format(Locale.ROOT, columns.get(i), models.get(i).key()));
        }
        b.append(System.lineSeparator());
        for (Map<String, Object> row : table.rows()) {
            b.append(String.format(Locale.ROOT, rowStart, row.get("layer"), row.get("precision")));
            for (int i = 0; i < models.size(); i++) {
                b.append(String.format(
                        Locale.ROOT,
                        columns.get(i),
                        show(((Number) row.get(models.get(i).key())).doubleValue())));
            }
            b.append(System.lineSeparator());
        }
        b.append(System.lineSeparator())
                .append("uniform configs (totals: sums over layers; activation memory and "
                        + "accumulator widths: the largest layer)")
                .append(System.lineSeparator());
        b.append(String.format(Locale.ROOT, rowStart, "", "precision"));
        for (int i = 0; i < models.size(); i++) {
            b.append(String.format(Locale.ROOT, columns.get(i), models.get(i).key()));
        }
        b.append(parsed.isEmpty() ? "" : "  budgets").append(System.lineSeparator());
        for (Precision p : table.candidates()) {
            Map<String, Double> t = table.totals(PrecisionConfig.uniform(p));
            b.append(String.format(Locale.ROOT, rowStart, "total", p.label()));
            for (int i = 0; i < models.size(); i++) {
                b.append(String.format(
                        Locale.ROOT, columns.get(i), show(t.get(models.get(i).name()))));
            }
            if (!parsed.isEmpty()) {
                List<Budget> broken = Budgets.violated(parsed, t);
                b.append(
                        broken.isEmpty()
                                ? "  all met"
                                : "  breaks "
                                        + String.join(
                                                "; ",
                                                broken.stream()
                                                        .map(Budget::text)
                                                        .toList()));
            }
            b.append(System.lineSeparator());
        }
        if (table.has("size")) {
            b.append("size: weights at their format, 32-bit biases and float scales; bytes = bits / 8")
                    .append(System.lineSeparator());
        }
        for (Budget budget : parsed) {
            b.append(String.format(
                    Locale.ROOT,
                    "budget %s: limit %s %s%n",
                    budget.text(),
                    show(budget.limit()),
                    table.model(budget.cost()).unit()));
        }
        return b.toString();
    }

    private static String show(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
