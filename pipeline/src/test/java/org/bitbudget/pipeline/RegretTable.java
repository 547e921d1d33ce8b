package org.bitbudget.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.costs.CostModels;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.search.GeneticStrategy;

/**
 * Prints each strategy's regret on the reference LeNet-5 (weight formats int8/int4/int3/int2, 4^5 =
 * 1,024 configs): the true optimum is the most accurate config under the budget, found by measuring
 * every config's accuracy on the whole Fashion-MNIST test split (fake quantization, calibration as
 * in {@link SearchPipeline}); a strategy's regret is that optimum's accuracy minus the accuracy of the
 * config it returns, in percentage points. Not a test: run it with
 * {@code java -cp ... org.bitbudget.pipeline.RegretTable [budget ...]} from the project root
 * ({@code -Dregret.strategies=ilp,ilp-predicted} runs only those strategies, {@code
 * -Dregret.estimators=fisher,kl} each of them with only those estimators).
 */
public final class RegretTable {
    private RegretTable() {}

    public static void main(String[] args) {
        List<String> budgets =
                args.length > 0 ? List.of(args) : List.of("size <= 1.0*int4", "size <= 0.8*int4", "size <= 0.65*int4");
        Graph graph = OnnxImporter.load(
                Path.of(System.getProperty("bitbudget.shared", "../shared"), "models", "lenet5.onnx"));
        Normalization norm = new Normalization(0.2860f, 0.3530f);
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        List<Layer> layers = graph.layers();
        List<String> formats = SearchPipeline.DEFAULT_WEIGHT_FORMATS;
        List<Precision> candidates = formats.stream()
                .map(f -> new Precision(QuantizerSpec.weights(NumberFormat.parse(f)), QuantizerSpec.FLOAT, 32))
                .toList();
        Tensor calibration = train.batch(0, 512, norm);
        ConfigEvaluator evaluator = new ConfigEvaluator(
                graph,
                calibration,
                test.batch(0, test.size(), norm),
                test.labels(),
                Runtime.getRuntime().availableProcessors());
        CostTable costs = CostTable.of(LayerInfo.of(graph), candidates, List.of(CostModels.get("size")));
        double int4 = costs.reference("size", NumberFormat.parse("int4"));

        int configs = (int) Math.pow(candidates.size(), layers.size());
        double[] size = new double[configs];
        double[] accuracy = new double[configs];
        long started = System.nanoTime();
        Path cache = Path.of(System.getProperty("regret.cache", "target/regret-accuracies.txt"));
        List<String> cached = readCache(cache, configs);
        for (int code = 0; code < configs; code++) {
            PrecisionConfig config = config(layers, candidates, code);
            size[code] = costs.total(config, "size");
            accuracy[code] = cached != null
                    ? Double.parseDouble(cached.get(code))
                    : evaluator.measure(config, false).accuracy();
        }
        if (cached == null) {
            writeCache(cache, accuracy);
        }
        System.out.printf(
                Locale.ROOT,
                "measured all %d configs in %.0f s%s%n",
                configs,
                (System.nanoTime() - started) / 1e9,
                cached != null ? " (from " + cache + ")" : "");

        for (String budget : budgets) {
            double factor = Double.parseDouble(budget.replaceAll(".*<=\\s*([0-9.]+)\\*int4", "$1"));
            double limit = factor * int4;
            int best = -1;
            for (int code = 0; code < configs; code++) {
                if (size[code] <= limit && (best < 0 || accuracy[code] > accuracy[best])) {
                    best = code;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "%n%s (%.0f bits): true optimum %.4f (%s)%n",
                    budget,
                    limit,
                    accuracy[best],
                    describe(layers, candidates, best));
            System.out.println("| strategy | estimator | accuracy | size (bits) | regret (pp) | search (s) |");
            System.out.println("|---|---|---|---|---|---|");
            for (String strategy : List.of(System.getProperty(
                            "regret.strategies",
                            "ilp,ilp-predicted,ga,ga-measured,nsga2,greedy,uniform,random,exhaustive")
                    .split(","))) {
                for (String estimator : System.getProperty("regret.estimators") != null
                        ? List.of(System.getProperty("regret.estimators").split(","))
                        : strategy.startsWith("ilp")
                                ? List.of(
                                        "measured", "kl", "output-mse", "fisher", "hessian", "bit-gradient", "roundoff")
                                : List.of("measured")) {
                    SearchPipeline.Builder b = SearchPipeline.builder(graph, new SearchData(train, test, norm))
                            .estimator(estimator)
                            .budget(budget)
                            .seed(1)
                            .paretoPoints(0);
                    if (strategy.equals("ga-measured")) {
                        b.strategy(GeneticStrategy.builder()
                                .fitness(GeneticStrategy.Fitness.MEASURED)
                                .build());
                    } else {
                        b.strategy(strategy);
                    }
                    SearchPipeline.Result r = b.build().run();
                    System.out.printf(
                            Locale.ROOT,
                            "| %s | %s | %.4f | %.0f | %.2f | %.2f |%n",
                            strategy,
                            estimator,
                            r.accuracy(),
                            r.costs().get("size"),
                            100 * (accuracy[best] - r.accuracy()),
                            r.timings().search());
                }
            }
        }
    }

    private static List<String> readCache(Path cache, int configs) {
        try {
            List<String> lines = Files.readAllLines(cache);
            return lines.size() == configs ? lines : null;
        } catch (IOException missing) {
            return null;
        }
    }

    private static void writeCache(Path cache, double[] accuracy) {
        try {
            Files.write(
                    cache,
                    java.util.Arrays.stream(accuracy).mapToObj(Double::toString).toList());
        } catch (IOException e) {
            System.err.println("could not cache the accuracies in " + cache + ": " + e.getMessage());
        }
    }

    private static PrecisionConfig config(List<Layer> layers, List<Precision> candidates, int code) {
        Map<String, Precision> map = new LinkedHashMap<>();
        for (Layer layer : layers) {
            map.put(layer.name(), candidates.get(code % candidates.size()));
            code /= candidates.size();
        }
        return new PrecisionConfig(Precision.FLOAT, map);
    }

    private static String describe(List<Layer> layers, List<Precision> candidates, int code) {
        List<String> out = new ArrayList<>();
        for (Layer ignored : layers) {
            out.add(candidates.get(code % candidates.size()).weights().format().name());
            code /= candidates.size();
        }
        return String.join(",", out);
    }
}
