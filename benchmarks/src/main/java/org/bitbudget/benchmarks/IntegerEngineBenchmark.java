package org.bitbudget.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.onnx.OnnxImporter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Inference throughput on lenet5.onnx of BitBudget's {@link IntegerEngine} at W8A8, W4A4 and W2A2
 * (per-channel weights; the first layer's input signed, later inputs unsigned; activation ranges
 * calibrated on 256 seeded random images) against ONNX Runtime Java fp32 on the float model, same
 * batch and thread count, in the same run.
 *
 * <p>The secondary metric {@code ·images} is images per second; the ratio to read is
 * {@code integer / onnxruntime} for each (config, batch, threads) — the floor is 1.0 at W8A8.
 * {@code onnxruntime} ignores {@code config}; JMH still runs it once per config value.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class IntegerEngineBenchmark {

    /** Bits of weights and activations: 8, 4 or 2. */
    @Param({"8", "4", "2"})
    public int bits;

    /** Images per call. */
    @Param({"256"})
    public int batch;

    /** Threads of the integer engine; intra-op threads of the ONNX Runtime session. */
    @Param({"1", "2"})
    public int threads;

    private IntegerEngine engine;
    private Tensor input;
    private OrtSession session;
    private OnnxTensor ortInput;
    private Map<String, OnnxTensor> ortFeed;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws OrtException {
        Graph graph = OnnxImporter.load(Lenet5.modelPath());
        float[] pixels = Lenet5.randomImages(batch, Lenet5.SEED);
        input = Tensor.of(Shape.of(batch, 1, 28, 28), pixels);
        if (params.getBenchmark().endsWith(".integer")) {
            Tensor calibration = Tensor.of(Shape.of(256, 1, 28, 28), Lenet5.randomImages(256, Lenet5.SEED + 1));
            var quantized = FakeQuantization.apply(graph, config(graph, bits), calibration);
            engine = IntegerEngine.builder(graph, quantized).threads(threads).build();
        } else {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(Lenet5.modelPath().toString(), options);
            ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels.clone()), new long[] {batch, 1, 28, 28});
            ortFeed = Map.of(session.getInputNames().iterator().next(), ortInput);
        }
    }

    private static PrecisionConfig config(Graph graph, int bits) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse("int" + bits)),
                            QuantizerSpec.activations(NumberFormat.parse((i == 0 ? "int" : "uint") + bits)),
                            32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (session != null) {
            session.close();
            ortInput.close();
            session = null;
        }
        engine = null;
    }

    /** One batch through the integer engine. */
    @Benchmark
    public Tensor integer(ImageCounter counter) {
        Tensor logits = engine.predict(input);
        counter.images += batch;
        return logits;
    }

    /** One batch through ONNX Runtime fp32, logits copied to the heap. */
    @Benchmark
    public float[] onnxruntime(ImageCounter counter) throws OrtException {
        try (OrtSession.Result result = session.run(ortFeed)) {
            FloatBuffer logits = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] out = new float[logits.remaining()];
            logits.get(out);
            counter.images += batch;
            return out;
        }
    }
}
