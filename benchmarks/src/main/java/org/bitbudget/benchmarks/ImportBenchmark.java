package org.bitbudget.benchmarks;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.LargeModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Import time of a 60 MB model ({@link LargeModel}: weights in initializers and Constant nodes, in
 * raw_data and in the typed fields) from its file: {@link #bitbudget} is {@code OnnxImporter.load},
 * everything a command does before it runs (read, parse, check, fold); {@link #protobuf} only reads
 * the file and parses the protobuf, the floor any Java importer pays; {@link #onnxruntime} creates an
 * ONNX Runtime session from the same file (no graph optimisation), the reference.
 *
 * <p><b>Reading the results.</b> Average milliseconds per import. The figures to read are
 * {@code bitbudget} itself (the target is under 2 s) and {@code bitbudget / onnxruntime}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class ImportBenchmark {
    private Path file;
    private OrtEnvironment env;

    /** Writes the model to a temporary file once. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("bitbudget-import-benchmark", ".onnx");
        Files.write(file, LargeModel.build(1).bytes());
        env = OrtEnvironment.getEnvironment();
    }

    /** Removes the model file. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    /** BitBudget's import: the graph with its constants, checked and folded. */
    @Benchmark
    public Graph bitbudget() {
        return OnnxImporter.load(file);
    }

    /** Reading and parsing the protobuf only. */
    @Benchmark
    public ModelProto protobuf() throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(file));
    }

    /** An ONNX Runtime session from the same file, without graph optimisation. */
    @Benchmark
    public long onnxruntime() throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(file.toString(), options)) {
                return session.getNumInputs();
            }
        }
    }
}
