package org.bitbudget.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
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
 * Inference throughput of BitBudget's {@link FloatEngine} against ONNX Runtime Java (CPU, fp32) on
 * the same seeded random batch of 1 x 28 x 28 images, for each {@code model}: {@code lenet5}
 * (lenet5.onnx from the shared folder), {@code resnet8} (the zoo-shaped
 * {@code models/resnet8-fashion-mnist.onnx}) and {@code mobilenetv3} (the MobileNetV3-style export of
 * {@link ExportedModels}, mostly depthwise convolutions).
 *
 * <p>{@link #bitbudget} calls {@code FloatEngine.predict} with an engine of {@code threads} threads
 * (it splits the batch into chunks of 32 images, so a batch of 1 uses one thread whatever the
 * setting). {@link #onnxruntime} runs an {@code OrtSession} with {@code threads} intra-op threads,
 * one inter-op thread, sequential execution and {@code ALL_OPT} graph optimisation, and copies the
 * logits back to the Java heap as {@code predict} returns them there. Both get their input
 * tensor ready-made; building the session and the engine is outside the measurement. Before
 * measuring, the setup checks that both give the same logits (within 1e-3) on the batch.
 *
 * <p><b>Reading the results.</b> The mode is throughput in seconds. The primary score of each row is
 * batches per second; the secondary metric {@code ·images} is images per second (batches per
 * second x batch). For each ({@code batch}, {@code threads}) pair,
 * <pre>
 *   ratio = images/s of bitbudget / images/s of onnxruntime
 * </pre>
 * (the primary scores give the same ratio). The target is ratio &ge; 0.9 at batch 256.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 2,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FloatEngineBenchmark {

    /** Which model both engines run. */
    @Param({"lenet5", "resnet8", "mobilenetv3"})
    public String model;

    /** Images per call. */
    @Param({"1", "256"})
    public int batch;

    /** Threads of the BitBudget engine; intra-op threads of the ONNX Runtime session. */
    @Param({"1", "2"})
    public int threads;

    private FloatEngine engine;
    private Tensor input;

    private OrtEnvironment env;
    private OrtSession session;
    private OnnxTensor ortInput;
    private Map<String, OnnxTensor> ortFeed;

    /** Builds only what the benchmark method about to run needs, after checking the two agree. */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws OrtException {
        CpuView.checkDeclaredView();
        float[] pixels = Lenet5.randomImages(batch, Lenet5.SEED);
        input = Tensor.of(Shape.of(batch, 1, 28, 28), pixels);
        Path modelPath = modelPath(model);
        Graph graph = OnnxImporter.load(modelPath);
        FloatEngine ours = FloatEngine.builder(graph).threads(threads).build();
        env = OrtEnvironment.getEnvironment();
        OrtSession ort = env.createSession(modelPath.toString(), ortOptions(threads));
        ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels.clone()), new long[] {batch, 1, 28, 28});
        ortFeed = Map.of(ort.getInputNames().iterator().next(), ortInput);
        checkAgreement(ours.predict(input).data(), runOrt(ort));

        if (params.getBenchmark().endsWith(".bitbudget")) {
            engine = ours;
            ort.close();
        } else {
            session = ort;
        }
    }

    private static Path modelPath(String model) {
        return switch (model) {
            case "lenet5" -> Lenet5.modelPath();
            case "resnet8" -> Path.of("models", "resnet8-fashion-mnist.onnx");
            case "mobilenetv3" -> ExportedModels.model(ExportedModels.MOBILENETV3);
            default -> throw new IllegalArgumentException("unknown model " + model);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (session != null) {
            session.close();
            session = null;
        }
        if (ortInput != null) {
            ortInput.close();
            ortInput = null;
        }
        engine = null;
    }

    private static OrtSession.SessionOptions ortOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }

    private float[] runOrt(OrtSession s) throws OrtException {
        try (OrtSession.Result result = s.run(ortFeed)) {
            FloatBuffer logits = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] out = new float[logits.remaining()];
            logits.get(out);
            return out;
        }
    }

    private static void checkAgreement(float[] ours, float[] theirs) {
        if (ours.length != theirs.length) {
            throw new IllegalStateException(
                    "BitBudget gives " + ours.length + " logits, ONNX Runtime " + theirs.length);
        }
        for (int i = 0; i < ours.length; i++) {
            if (!(Math.abs(ours[i] - theirs[i]) <= 1e-3f)) {
                throw new IllegalStateException(
                        "logit " + i + " differs: BitBudget " + ours[i] + ", ONNX Runtime " + theirs[i]);
            }
        }
    }

    /** One batch through BitBudget's float engine. */
    @Benchmark
    public Tensor bitbudget(ImageCounter counter) {
        Tensor logits = engine.predict(input);
        counter.images += batch;
        return logits;
    }

    /** One batch through ONNX Runtime, logits copied to the heap. */
    @Benchmark
    public float[] onnxruntime(ImageCounter counter) throws OrtException {
        float[] logits = runOrt(session);
        counter.images += batch;
        return logits;
    }
}
