package org.bitbudget.cli;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.bitbudget.testsupport.ModelBuilder;

/**
 * The bad and edge-case input files of {@code corpus.txt}, made by name in a case's folder: broken bytes, models
 * with degenerate graphs, idx and NumPy data with wrong headers or labels, malformed configs, experiments and
 * results CSVs. Every file is made from a fixed seed, so a case reads the same bytes on every run.
 */
final class CorpusFixtures {
    private static final Path SHARED = Path.of(System.getProperty("bitbudget.shared", "../../shared"));

    private CorpusFixtures() {}

    /** Makes the fixture {@code name} in {@code dir} if it is one (and what it needs); other names stay paths. */
    static void make(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (name.startsWith("exp-")) {
            make(dir, "lenet.onnx");
        }
        switch (name) {
            case "lenet.onnx" -> Files.copy(SHARED.resolve("models/lenet5.onnx"), p);
            case "link.onnx" -> {
                make(dir, "lenet.onnx");
                Files.createSymbolicLink(p, Path.of("lenet.onnx"));
            }
            case "linkdir" -> {
                make(dir, "lenet.onnx");
                Files.createSymbolicLink(p, Path.of("."));
            }
            case "int8.json" -> text(p, "{\"default\": {\"weights\": \"int8\", \"activations\": \"float\"}}");
            case "w8a8.json" -> text(p, "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\"}}");
            case "fp8.json" -> text(p, "{\"default\": {\"weights\": \"fp8-e4m3\", \"activations\": \"float\"}}");
            case "unknown-layer.json" -> text(p, "{\"layers\": {\"/nope/Conv\": {\"weights\": \"int8\"}}}");
            case "bad-format.json" -> text(p, "{\"default\": {\"weights\": \"int9\", \"activations\": \"float\"}}");
            case "bad-field.json" -> text(p, "{\"default\": {\"weights\": \"int8\", \"colour\": \"red\"}}");
            case "list.json" -> text(p, "[1, 2, 3]");
            case "bad-accumulator.json" ->
                text(p, "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\", \"accumulator\": -3}}");
            case "huge-accumulator.json" ->
                text(p, "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\", \"accumulator\": 100000}}");
            case "bad-granularity.json" ->
                text(p, "{\"default\": {\"weights\": {\"format\": \"int4\", \"granularity\": \"per-galaxy\"}}}");
            case "bad-clipping.json" ->
                text(
                        p,
                        "{\"default\": {\"weights\": \"int8\", \"activations\": {\"format\": \"uint8\", "
                                + "\"clipping\": \"percentile(250)\"}}}");
            case "truncated.json" -> text(p, "{\"default\": {\"weights\": \"int8\"");
            case "garbage.json", "garbage.onnx", "garbage.yaml", "garbage.csv", "garbage.npy", "garbage.npz" ->
                Files.write(p, random(name.hashCode(), 4096));
            case "empty.json", "empty.onnx", "empty.yaml", "empty.csv", "empty.npy" -> Files.write(p, new byte[0]);
            case "text.onnx" -> text(p, "this is not a model\n");
            case "truncated.onnx" -> {
                byte[] all = Files.readAllBytes(SHARED.resolve("models/lenet5.onnx"));
                Files.write(p, Arrays.copyOf(all, all.length / 2));
            }
            case "no-outputs.onnx" -> Files.write(p, dense(5, 0).bytes());
            case "dup-outputs.onnx" -> Files.write(p, dense(10, 2).bytes());
            case "zero-size.onnx" -> Files.write(p, dense(0, 1).bytes());
            case "five-class.onnx" -> Files.write(p, dense(5, 1).bytes());
            case "huge-dims.onnx" -> Files.write(p, hugeInput().bytes());
            case "huge-weight.onnx" -> Files.write(p, hugeWeight().bytes());
            case "idx-badmagic" -> idx(p, 20, 10, 0x804, false);
            case "idx-empty" -> idx(p, 0, 10, 0x801, false);
            case "idx-label99" -> idx(p, 20, 10, 0x801, true);
            case "idx-truncated" -> {
                idx(p, 20, 10, 0x801, false);
                Path images = p.resolve("t10k-images-idx3-ubyte");
                byte[] all = Files.readAllBytes(images);
                Files.write(images, Arrays.copyOf(all, all.length - 100));
            }
            case "x-5values.npy" -> Files.write(p, npy("<f4", new int[] {4, 5}, new float[20]));
            case "x-nan.npy" -> {
                float[] v = new float[4 * 28 * 28];
                Arrays.fill(v, Float.NaN);
                Files.write(p, npy("<f4", new int[] {4, 1, 28, 28}, v));
            }
            case "x-empty.npy" -> Files.write(p, npy("<f4", new int[] {0, 1, 28, 28}, new float[0]));
            case "x-complex.npy" -> Files.write(p, npy("<c8", new int[] {2, 2}, new float[8]));
            case "x-huge-header.npy" -> Files.write(p, npy("<f4", new int[] {2000000000, 400}, new float[0]));
            case "labels-negative.npz" -> npz(p, -1);
            case "labels-12.npz" -> npz(p, 12);
            case "no-x.npz" -> {
                try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
                    z.putNextEntry(new ZipEntry("images.npy"));
                    z.write(npy("<f4", new int[] {2, 1, 28, 28}, new float[2 * 784]));
                    z.closeEntry();
                }
            }
            case "exp-ok.yaml" -> text(p, experiment(""));
            case "exp-unknown-field.yaml" -> text(p, experiment("colour: red\n"));
            case "exp-bad-strategy.yaml" -> text(p, experiment("").replace("strategies: [ilp]", "strategies: [gredy]"));
            case "exp-no-models.yaml" -> text(p, experiment("").replace("models: [lenet.onnx]\n", ""));
            case "exp-missing-model.yaml" -> text(p, experiment("").replace("lenet.onnx", "nope.onnx"));
            case "exp-bad-budget.yaml" -> text(p, experiment("").replace("size <= 40 KiB", "size <= lots"));
            case "exp-dup-keys.yaml" -> text(p, experiment("seeds: [1]\n"));
            case "exp-negative-limit.yaml" -> text(p, experiment("limit: -5\n"));
            case "exp-bad-time.yaml" -> text(p, experiment("time: forever\n"));
            case "exp-list.yaml" -> text(p, "- a\n- b\n");
            case "exp-dup-runs.yaml" -> text(p, experiment("runs: [{seed: 0}, {seed: 0}]\n"));
            case "exp-run-unknown-model.yaml" -> text(p, experiment("runs: [{model: other, seed: 0}]\n"));
            case "exp-bad-engine.yaml" -> text(p, experiment("engine: quantum\n"));
            case "exp-tabs.yaml" -> text(p, "name: x\n\tmodels: [a]\n");
            case "results-header.csv" -> {
                make(dir, "ok-results");
                Files.copy(dir.resolve("ok-results/results.csv"), p);
                List<String> lines = Files.readAllLines(p);
                text(p, lines.getFirst() + "\n");
            }
            case "results-missing-columns.csv" -> text(p, "run_key,model\nabc,lenet\n");
            case "results-ragged.csv" -> {
                make(dir, "ok-results");
                List<String> lines = Files.readAllLines(dir.resolve("ok-results/results.csv"));
                text(p, lines.getFirst() + "\n" + "a,b,c\n");
            }
            case "results-bad-number.csv" -> {
                make(dir, "ok-results");
                List<String> lines = Files.readAllLines(dir.resolve("ok-results/results.csv"));
                String header = lines.getFirst();
                String[] columns = header.split(",", -1);
                StringBuilder row = new StringBuilder();
                for (int i = 0; i < columns.length; i++) {
                    row.append(i == 0 ? "" : ",").append(columns[i].equals("accuracy") ? "lots" : "1");
                }
                text(p, header + "\n" + row + "\n");
            }
            case "ok-results" -> {
                Files.createDirectories(p);
                text(
                        p.resolve("results.csv"),
                        String.join(",", org.bitbudget.experiments.batch.ResultsCsv.COLUMNS) + "\n");
            }
            case "empty-dir" -> Files.createDirectories(p);
            case "old-out" -> {
                Files.createDirectories(p);
                Files.copy(SHARED.resolve("models/lenet5.onnx"), p.resolve("config.json"));
            }
            case "case-garbage" -> {
                Files.createDirectories(p.resolve("test_data_set_0"));
                Files.write(p.resolve("model.onnx"), random(7, 512));
                Files.write(p.resolve("test_data_set_0/input_0.pb"), random(8, 64));
            }
            case "case-no-data" -> {
                Files.createDirectories(p);
                Files.copy(SHARED.resolve("models/lenet5.onnx"), p.resolve("model.onnx"));
            }
            case "case-bad-pb" -> {
                Files.createDirectories(p.resolve("test_data_set_0"));
                Files.copy(SHARED.resolve("models/lenet5.onnx"), p.resolve("model.onnx"));
                Files.write(p.resolve("test_data_set_0/input_0.pb"), random(9, 64));
                Files.write(p.resolve("test_data_set_0/output_0.pb"), random(10, 64));
            }
            case "energy-bad.yaml" -> text(p, "mac_int8: lots\n");
            case "energy-unknown.yaml" -> text(p, "flux_capacitor_pj: 3\n");
            case "latency-bad.csv" -> text(p, "layer,precision,ms\n/c1/Conv,int8,fast\n");
            case "latency-header.csv" -> text(p, "a,b\n");
            case "preprocess-bad.yaml" -> text(p, "resize: -4\n");
            case "a-file" -> text(p, "a file, not a folder\n");
            case "fifo" -> {
                // A named pipe stands for any special file (/dev/null): renaming a file over it would replace it.
                try {
                    if (new ProcessBuilder("mkfifo", p.toString()).start().waitFor() != 0) {
                        throw new IOException("mkfifo " + p + " failed");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            default -> {
                // Not a fixture: a path the case names, such as an output.
            }
        }
    }

    private static void text(Path p, String s) throws IOException {
        Files.writeString(p, s, StandardCharsets.UTF_8);
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** x[N,1,28,28] → Flatten → Gemm to {@code classes} outputs, declared {@code outputs} times as a graph output. */
    private static ModelBuilder dense(int classes, int outputs) {
        ModelBuilder b = new ModelBuilder("dense", 1);
        String x = b.input("x", 1, 28, 28);
        String flat = b.node("Flatten", "flatten", List.of(x), ModelBuilder.i("axis", 1));
        String y = b.node(
                "Gemm",
                "fc",
                List.of(flat, b.floats("w", new int[] {classes, 784}, new float[classes * 784])),
                ModelBuilder.i("transB", 1));
        for (int i = 0; i < outputs; i++) {
            b.output(y);
        }
        return b;
    }

    /** An input of [N, 2e9, 400]: more values than an int counts. */
    private static ModelBuilder hugeInput() {
        ModelBuilder b = new ModelBuilder("huge", 1);
        String x = b.input("x", 2_000_000_000, 400);
        b.output(b.node("Relu", "relu", List.of(x)));
        return b;
    }

    /** A Gemm whose weight declares dims [2e9, 400] (and holds no data). */
    private static ModelBuilder hugeWeight() {
        ModelBuilder b = new ModelBuilder("huge-weight", 1);
        String x = b.input("x", 400);
        String w = b.initializer(TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(List.of(2_000_000_000L, 400L))
                .build());
        b.output(b.node("Gemm", "fc", List.of(x, w), ModelBuilder.i("transB", 1)));
        return b;
    }

    /** An idx folder with both splits: n images of 28x28 and their labels (magic {@code labelMagic}). */
    private static void idx(Path folder, int n, int classes, int labelMagic, boolean label99) throws IOException {
        Files.createDirectories(folder);
        for (String split : List.of("train", "t10k")) {
            ByteBuffer img = ByteBuffer.allocate(16 + n * 784).order(ByteOrder.BIG_ENDIAN);
            img.putInt(0x803).putInt(n).putInt(28).putInt(28);
            Random r = new Random(split.hashCode());
            for (int i = 0; i < n * 784; i++) {
                img.put((byte) r.nextInt(256));
            }
            Files.write(folder.resolve(split + "-images-idx3-ubyte"), img.array());
            ByteBuffer lab = ByteBuffer.allocate(8 + n).order(ByteOrder.BIG_ENDIAN);
            lab.putInt(labelMagic).putInt(n);
            for (int i = 0; i < n; i++) {
                lab.put((byte) (label99 && i == 3 ? 99 : i % classes));
            }
            Files.write(folder.resolve(split + "-labels-idx1-ubyte"), lab.array());
        }
    }

    /** A NumPy {@code .npy} file (version 1.0) of float32 values, or bytes of another dtype. */
    private static byte[] npy(String dtype, int[] shape, float[] values) {
        StringBuilder s = new StringBuilder("(");
        for (int d : shape) {
            s.append(d).append(", ");
        }
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + s.append(")") + ", }";
        int total = 10 + header.length() + 1;
        header += " ".repeat((64 - total % 64) % 64) + "\n";
        ByteBuffer b =
                ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93)
                .put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** x [4,1,28,28] float32 and labels y [4] int64 of which one is {@code label}. */
    private static void npz(Path p, long label) throws IOException {
        ByteArrayOutputStream y = new ByteArrayOutputStream();
        byte[] head = npy("<i8", new int[] {4}, new float[0]);
        y.write(head);
        ByteBuffer v = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        v.putLong(0).putLong(1).putLong(label).putLong(2);
        y.write(v.array());
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new ZipEntry("x.npy"));
            z.write(npy("<f4", new int[] {4, 1, 28, 28}, new float[4 * 784]));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("y.npy"));
            z.write(y.toByteArray());
            z.closeEntry();
        }
    }

    /** A small valid experiment on lenet.onnx with {@code extra} appended. */
    private static String experiment(String extra) {
        return "models: [lenet.onnx]\ndata: fashion-mnist\nformats: [int8]\nestimators: [measured]\n"
                + "strategies: [ilp]\nbudgets: [size <= 40 KiB]\nseeds: [0]\nlimit: 10\ncalibration: 16\n" + extra;
    }
}
