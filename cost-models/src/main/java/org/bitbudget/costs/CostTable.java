package org.bitbudget.costs;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * Layers × candidate precisions × cost models → cost, computed once and immutable, with the totals
 * of any config (precisions outside the candidates are computed on demand with the same models).
 *
 * <pre>{@code
 * CostTable t = CostTable.of(LayerInfo.of(graph), candidates, CostModels.analytic(EnergyTable.defaults()));
 * double bits = t.total(config, "size");
 * double int8Bops = t.reference("bops", NumberFormat.parse("int8"));  // for relative budgets
 * }</pre>
 */
public final class CostTable {
    private final List<LayerInfo> layers;
    private final List<Precision> candidates;
    private final List<CostModel> models;
    /** values[layer][candidate][model]. */
    private final double[][][] values;

    private CostTable(List<LayerInfo> layers, List<Precision> candidates, List<CostModel> models, double[][][] values) {
        this.layers = layers;
        this.candidates = candidates;
        this.models = models;
        this.values = values;
    }

    /** Computes every cost of every layer at every candidate. */
    public static CostTable of(List<LayerInfo> layers, List<Precision> candidates, List<CostModel> unbound) {
        List<CostModel> models = unbound.stream().map(m -> m.bind(layers)).toList();
        List<Precision> c = List.copyOf(new java.util.LinkedHashSet<>(candidates));
        double[][][] v = new double[layers.size()][c.size()][models.size()];
        for (int m = 0; m < models.size(); m++) {
            for (int p = 0; p < c.size(); p++) {
                for (int l = 0; l < layers.size(); l++) {
                    v[l][p][m] = models.get(m).cost(layers.get(l), c.get(p));
                }
            }
        }
        return new CostTable(List.copyOf(layers), c, List.copyOf(models), v);
    }

    public List<LayerInfo> layers() {
        return layers;
    }

    public List<Precision> candidates() {
        return candidates;
    }

    public List<CostModel> models() {
        return models;
    }

    /** The model called {@code name}. */
    public CostModel model(String name) {
        for (CostModel m : models) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("this cost table has no cost model '" + name + "' (it has "
                + String.join(", ", models.stream().map(CostModel::name).toList()) + ")");
    }

    /** True when the table has a model called {@code name}. */
    public boolean has(String name) {
        return models.stream().anyMatch(m -> m.name().equals(name));
    }

    /**
     * The precomputed cost by index, for searches that evaluate many configs: layer {@code layer} of
     * {@link #layers()}, candidate {@code candidate} of {@link #candidates()}, model {@code model} of
     * {@link #models()}.
     */
    public double value(int layer, int candidate, int model) {
        return values[layer][candidate][model];
    }

    /** The cost of layer {@code layer} (index) at {@code precision} in model {@code name}. */
    public double cost(int layer, Precision precision, String name) {
        int m = models.indexOf(model(name));
        int p = candidates.indexOf(precision);
        return p >= 0 ? values[layer][p][m] : models.get(m).cost(layers.get(layer), precision);
    }

    /** The cost of the layer called {@code layer} at {@code precision} in model {@code name}. */
    public double cost(String layer, Precision precision, String name) {
        for (int l = 0; l < layers.size(); l++) {
            if (layers.get(l).name().equals(layer)) {
                return cost(l, precision, name);
            }
        }
        throw new IllegalArgumentException("no layer " + layer);
    }

    /** The total of model {@code name} over the layers for {@code config} (sum, or max for peaks and widths). */
    public double total(PrecisionConfig config, String name) {
        CostModel model = model(name);
        double total = 0;
        for (int l = 0; l < layers.size(); l++) {
            double c = cost(l, config.of(layers.get(l).name()), name);
            total = model.total() == CostModel.Total.MAX ? Math.max(total, c) : total + c;
        }
        return total;
    }

    /** Every model's total for {@code config}, by model name. */
    public Map<String, Double> totals(PrecisionConfig config) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (CostModel m : models) {
            out.put(m.name(), total(config, m.name()));
        }
        return out;
    }

    /**
     * The total of model {@code cost} for the uniform reference config of {@code format}, as relative
     * budgets ({@code bops <= 0.25*int8}) use it: every layer's weights in {@code format}
     * (per-channel, {@code max}), and activations in {@code format} too when the candidates quantize
     * activations ({@code float} when they do not, i.e. weight-only tables; always for {@code fp32}).
     */
    public double reference(String cost, NumberFormat format) {
        return total(PrecisionConfig.uniform(referencePrecision(format)), cost);
    }

    /** The precision {@link #reference} uses for {@code format}. */
    public Precision referencePrecision(NumberFormat format) {
        boolean quantizedActivations =
                candidates.stream().anyMatch(p -> p.activations().quantizes());
        QuantizerSpec w = !format.quantizes() ? QuantizerSpec.FLOAT : QuantizerSpec.weights(format);
        QuantizerSpec a =
                quantizedActivations && w.quantizes() ? QuantizerSpec.activations(format) : QuantizerSpec.FLOAT;
        return new Precision(w, a, 32);
    }

    /** One row per layer × candidate: {@code layer}, {@code weights}, {@code activations}, then each model's key. */
    public List<Map<String, Object>> rows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            for (int p = 0; p < candidates.size(); p++) {
                Precision pr = candidates.get(p);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("layer", layers.get(l).name());
                row.put("precision", pr.label());
                row.put("weights", pr.weights().label(true));
                row.put("activations", pr.activations().label(false));
                for (int m = 0; m < models.size(); m++) {
                    row.put(models.get(m).key(), number(values[l][p][m]));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** A whole number as a long (exact in CSV and JSON), else the double. */
    static Object number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 0x1p53 ? (Object) (long) v : (Object) v;
    }

    /** Writes {@link #rows()} as CSV with a header. */
    public void writeCsv(Writer out) throws IOException {
        CsvSchema.Builder b = CsvSchema.builder();
        for (String c : List.of("layer", "precision", "weights", "activations")) {
            b.addColumn(c);
        }
        for (CostModel m : models) {
            b.addColumn(m.key(), CsvSchema.ColumnType.NUMBER);
        }
        new CsvMapper()
                .writerFor(Map.class)
                .with(b.build().withHeader())
                .writeValues(out)
                .writeAll(rows())
                .flush();
    }
}
