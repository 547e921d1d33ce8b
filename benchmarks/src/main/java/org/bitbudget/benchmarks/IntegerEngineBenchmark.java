package org.bitbudget.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.engine.IntegerEngine;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.onnx.QdqExporter;
import org.bitbudget.testsupport.ExportedModels;
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
 * Inference throughput of BitBudget's {@link IntegerEngine} at W8A8, W4A4 and W2A2 (per-channel
 * weights; the first layer's input signed, later inputs unsigned; activation ranges calibrated on 256
 * seeded random images) on {@code lenet5}, {@code resnet8} and {@code mobilenetv3} (the models of
 * {@link FloatEngineBenchmark}), against, in the same run and on the same batch: the float engine
 * ({@code floatEngine}), ONNX Runtime Java fp32 on the float model ({@code onnxruntime}) and ONNX
 * Runtime on the QDQ export of the same quantized model ({@code onnxruntimeQdq}, {@link QdqExporter}).
 *
 * <p>The secondary metric {@code ·images} is images per second. Ratios to read, per (model, batch,
 * threads): {@code integer / floatEngine} and {@code integer / onnxruntimeQdq} at bits = 8 (floors
 * 1.0 and 1.5), and {@code integer} at bits = 2 over bits = 8 (floor 1.5). {@code floatEngine} and
 * {@code onnxruntime} ignore {@code bits} and {@code choice}: run them with {@code -p bits=8} only,
 * or read one row.
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

    /** Which model every engine runs. */
    @Param({"lenet5", "resnet8", "mobilenetv3"})
    public String model;

    /** Bits of weights and activations: 8, 4 or 2. */
    @Param({"8", "4", "2"})
    public int bits;

    /** Images per call. */
    @Param({"1", "256"})
    public int batch;

    /** Threads of the BitBudget engines; intra-op threads of the ONNX Runtime session. */
    @Param({"1", "2"})
    public int threads;

    /**
     * How the integer engine picks each layer's kernel: {@code measured} times every exact path on the
     * layer's shape when the engine is built ({@code IntegerEngine.Builder.measure}), {@code rule}
     * takes the deterministic rule; run {@code -p choice=rule,measured} to compare them.
     */
    @Param({"measured"})
    public String choice;

    private IntegerEngine engine;
    private FloatEngine floatEngine;
    private Tensor input;
    private OrtSession session;
    private OnnxTensor ortInput;
    private Map<String, OnnxTensor> ortFeed;

    /** Builds only what the benchmark method about to run needs. */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws OrtException {
        CpuView.checkDeclaredView();
        Path modelPath = modelPath(model);
        Graph graph = OnnxImporter.load(modelPath);
        float[] pixels = Lenet5.randomImages(batch, Lenet5.SEED);
        input = Tensor.of(Shape.of(batch, 1, 28, 28), pixels);
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        switch (method) {
            case "integer" ->
                engine = IntegerEngine.builder(graph, quantized(graph))
                        .threads(threads)
                        .measure(choice.equals("measured"))
                        .build();
            case "floatEngine" ->
                floatEngine = FloatEngine.builder(graph).threads(threads).build();
            default -> {
                OrtEnvironment env = OrtEnvironment.getEnvironment();
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = method.equals("onnxruntimeQdq")
                        ? env.createSession(
                                QdqExporter.export(graph, quantized(graph), Map.of())
                                        .bytes(),
                                options)
                        : env.createSession(modelPath.toString(), options);
                ortInput =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels.clone()), new long[] {batch, 1, 28, 28});
                ortFeed = Map.of(session.getInputNames().iterator().next(), ortInput);
            }
        }
    }

    private QuantizedGraph quantized(Graph graph) {
        Tensor calibration = Tensor.of(Shape.of(256, 1, 28, 28), Lenet5.randomImages(256, Lenet5.SEED + 1));
        return FakeQuantization.apply(graph, config(graph, bits), calibration);
    }

    private static Path modelPath(String model) {
        return switch (model) {
            case "lenet5" -> Lenet5.modelPath();
            case "resnet8" -> Path.of("models", "resnet8-fashion-mnist.onnx");
            case "mobilenetv3" -> ExportedModels.model(ExportedModels.MOBILENETV3);
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
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
        floatEngine = null;
    }

    /** One batch through the integer engine. */
    @Benchmark
    public Tensor integer(ImageCounter counter) {
        Tensor logits = engine.predict(input);
        counter.images += batch;
        return logits;
    }

    /** One batch through the float engine. */
    @Benchmark
    public Tensor floatEngine(ImageCounter counter) {
        Tensor logits = floatEngine.predict(input);
        counter.images += batch;
        return logits;
    }

    /** One batch through ONNX Runtime fp32, logits copied to the heap. */
    @Benchmark
    public float[] onnxruntime(ImageCounter counter) throws OrtException {
        return runOrt(counter);
    }

    /** One batch through ONNX Runtime on the QDQ export of the same config, logits copied to the heap. */
    @Benchmark
    public float[] onnxruntimeQdq(ImageCounter counter) throws OrtException {
        return runOrt(counter);
    }

    private float[] runOrt(ImageCounter counter) throws OrtException {
        try (OrtSession.Result result = session.run(ortFeed)) {
            FloatBuffer logits = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] out = new float[logits.remaining()];
            logits.get(out);
            counter.images += batch;
            return out;
        }
    }
}
