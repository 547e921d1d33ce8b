package org.bitbudget.costs.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measured latency and its cache, the roofline estimate, and user latency tables. */
class LatencyTest {
    private static Graph lenet;
    private static List<LayerInfo> layers;

    @BeforeAll
    static void load() {
        String shared = System.getProperty("bitbudget.shared", "../../shared");
        lenet = OnnxImporter.load(Path.of(shared, "models", "lenet5.onnx"));
        layers = LayerInfo.of(lenet);
    }

    static Precision wa(String w, String a) {
        return new Precision(
                QuantizerSpec.weights(NumberFormat.parse(w)),
                a.equals("float") ? QuantizerSpec.FLOAT : QuantizerSpec.activations(NumberFormat.parse(a)),
                32);
    }

    @Test
    void aSecondRunReadsTheCacheAndMeasuresNothing(@TempDir Path dir) {
        AtomicInteger calls = new AtomicInteger();
        LayerTimer fake = (graph, precision) -> {
            calls.incrementAndGet();
            Map<String, Double> ms = new LinkedHashMap<>();
            int i = 1;
            for (Layer l : graph.layers()) {
                ms.put(l.name(), i++ * precision.weights().format().bits() / 100.0);
            }
            return new LayerTimer.Timing(ms, "fake");
        };
        Path cache = dir.resolve("latency.csv");
        List<Precision> candidates = List.of(wa("int8", "uint8"), wa("int4", "uint4"), wa("int2", "uint2"));
        CostTable first = CostTable.of(layers, candidates, List.of(new MeasuredLatency(lenet, fake, cache, 1)));
        assertEquals(3, calls.get(), "one uniform run per candidate precision");
        assertTrue(Files.isRegularFile(cache));
        MeasuredLatency again = new MeasuredLatency(lenet, fake, cache, 1);
        CostTable second = CostTable.of(layers, candidates, List.of(again));
        assertEquals(3, calls.get(), "the second table comes from the cache");
        for (Precision p : candidates) {
            PrecisionConfig c = PrecisionConfig.uniform(p);
            assertEquals(first.total(c, "latency"), second.total(c, "latency"));
        }
        assertEquals(15 * 4 / 100.0, second.total(PrecisionConfig.uniform(wa("int4", "uint4")), "latency"), 1e-12);
        assertEquals("fake", again.engine("/f1/Gemm", wa("int2", "uint2")));
        // Another batch size is another key: measured again.
        CostTable.of(layers, List.of(wa("int8", "uint8")), List.of(new MeasuredLatency(lenet, fake, cache, 8)));
        assertEquals(4, calls.get());
    }

    /**
     * The per-layer times of a uniform config add up to the end-to-end time of the same engine on the
     * same batch within 25 %. One thread; the machine may be shared with other jobs, so blocks of
     * per-layer runs and of end-to-end runs alternate (a pair sees the same load), and the median of
     * the pairs' ratios counts; a heavily loaded machine gets three tries.
     */
    @Test
    void perLayerTimesAddUpToTheEndToEndTime() {
        int rounds = 15;
        for (Precision p : List.of(wa("int8", "uint8"), wa("int4", "float"))) {
            EngineTimer.Session session = new EngineTimer(16, 10).session(lenet, p);
            double best = Double.POSITIVE_INFINITY;
            for (int attempt = 0; attempt < 3 && best > 0.25; attempt++) {
                for (int i = 0; i < 3; i++) {
                    session.block();
                    session.endToEndBlock();
                }
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    double sum = session.block().values().stream()
                            .mapToDouble(Double::doubleValue)
                            .sum();
                    ratios[r] = sum / session.endToEndBlock();
                }
                java.util.Arrays.sort(ratios);
                double median = ratios[rounds / 2];
                System.out.printf(
                        "%s on the %s engine: per-layer sum / end-to-end = %.3f (%s)%n",
                        p, session.engine(), median, java.util.Arrays.toString(ratios));
                best = Math.min(best, Math.abs(median - 1));
            }
            assertTrue(best <= 0.25, p + " on the " + session.engine() + " engine: per-layer sum is off by " + best);
            assertEquals(p.activations().quantizes() ? "integer" : "float", session.engine(), p.toString());
        }
    }

    @Test
    void floatStepsAreGivenToTheLayerTheyFollow() {
        List<FloatEngine.StepTime> steps = List.of(
                new FloatEngine.StepTime("/c1/Conv/input_quantizer", "FakeQuantize", 1),
                new FloatEngine.StepTime("/c1/Conv", "Conv", 2),
                new FloatEngine.StepTime("/p1/MaxPool", "MaxPool", 3),
                new FloatEngine.StepTime("/c2/Conv/input_quantizer", "FakeQuantize", 4),
                new FloatEngine.StepTime("/c2/Conv", "Conv", 5),
                new FloatEngine.StepTime("/flatten", "Flatten", 6),
                new FloatEngine.StepTime("/f1/Gemm", "Gemm", 7));
        Map<String, Double> ms = EngineTimer.attribute(lenet.layers(), steps);
        assertEquals(Map.of("/c1/Conv", 6.0, "/c2/Conv", 15.0, "/f1/Gemm", 7.0, "/f2/Gemm", 0.0, "/f3/Gemm", 0.0), ms);
    }

    @Test
    void rooflineIsComputeOrMemoryBound() {
        RooflineLatency r = new RooflineLatency(10, 20, 80, 1);
        LayerInfo f1 = layers.get(2);
        // f1 at W8A8: 48,000 MACs at 20 GMAC/s = 2,400 ns; bytes 48,000 + 120 x 4 (bias) + 120 x 4 (scales)
        // + 400 + 120 = 49,480 at 1 GB/s = 49,480 ns: memory bound.
        assertEquals(49_480e-6, r.cost(f1, wa("int8", "uint8")), 1e-12);
        RooflineLatency fast = new RooflineLatency(10, 20, 80, 1000);
        assertEquals(48_000 / 20.0 / 1e6, fast.cost(f1, wa("int8", "uint8")), 1e-12);
        assertEquals(48_000 / 40.0 / 1e6, fast.cost(f1, wa("int4", "uint4")), 1e-12);
        assertEquals(48_000 / 80.0 / 1e6, fast.cost(f1, wa("int2", "uint2")), 1e-12);
        assertEquals(48_000 / 10.0 / 1e6, fast.cost(f1, wa("int8", "float")), 1e-12);
    }

    @Test
    void userTablesAreReadAndBadRowsNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("fpga.csv");
        StringBuilder b = new StringBuilder("# measured on an FPGA\nlayer,precision,ms\n");
        for (LayerInfo l : layers) {
            b.append(l.name()).append(",int4/uint4,0.5\n");
        }
        Files.writeString(f, b.toString());
        TableLatency t = TableLatency.load(f);
        assertEquals(0.5, t.cost(layers.get(0), wa("int4", "uint4")));
        UserInputException missing =
                assertThrows(UserInputException.class, () -> t.cost(layers.get(0), wa("int8", "uint8")));
        assertTrue(missing.getMessage().contains("no row for layer /c1/Conv at precision int8/uint8"));
        Files.writeString(f, "layer,precision,ms\n/c1/Conv,int8,fast\n");
        UserInputException bad = assertThrows(UserInputException.class, () -> TableLatency.load(f));
        assertEquals(f + ": line 2", bad.source());
        Files.writeString(f, "layer,ms\n");
        bad = assertThrows(UserInputException.class, () -> TableLatency.load(f));
        assertEquals(f + ": line 1", bad.source());
        Files.writeString(f, "layer,precision,ms\n/c1/Conv,int8\n");
        bad = assertThrows(UserInputException.class, () -> TableLatency.load(f));
        assertEquals(f + ": line 2", bad.source());
    }
}
