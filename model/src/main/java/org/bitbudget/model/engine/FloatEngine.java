package org.bitbudget.model.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.engine.sgemm.Sgemm;
import org.bitbudget.model.engine.sgemm.SgemmProvider;
import org.bitbudget.model.graph.Dimension;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.graph.Node;
import org.bitbudget.model.graph.Op;
import org.bitbudget.model.graph.ValueInfo;
import org.bitbudget.model.tensor.Shape;
import org.bitbudget.model.tensor.Tensor;

/**
 * Runs a graph in float32, NCHW, as ONNX defines each operator. The graph is compiled once into a
 * list of steps over numbered value slots; constant weights are laid out for the matrix kernel at
 * compile time. {@link #predict(Tensor)} splits a batch across threads.
 *
 * <pre>{@code
 * Graph g = OnnxImporter.load(Path.of("lenet5.onnx"));
 * FloatEngine engine = FloatEngine.builder(g).threads(2).build();
 * Tensor logits = engine.predict(images); // images: [N, 1, 28, 28]
 * }</pre>
 */
public final class FloatEngine {
    /** Images per task when a batch is split across threads: small enough to stay in cache. */
    private static final int CHUNK = 32;

    private final Graph graph;
    private final int threads;
    private final Sgemm sgemm;
    private final Map<String, Integer> slots = new HashMap<>();
    private final List<String> slotNames = new ArrayList<>();
    private final Tensor[] constantSlots;
    private final Step[] steps;
    private final int[] inputSlots;
    private final int[] outputSlots;
    private final int[] lastUse;
    private final ForkJoinPool pool;

    private record Step(Node node, int[] in, int[] out, Kernel kernel) {
    }

    @FunctionalInterface
    private interface Kernel {
        Tensor[] apply(Tensor[] inputs);
    }

    private FloatEngine(Builder b) {
        this.graph = b.graph;
        this.threads = b.threads;
        this.sgemm = b.sgemm;
        for (var e : graph.initializers().keySet()) {
            slot(e);
        }
        inputSlots = graph.inputs().stream().mapToInt(v -> slot(v.name())).toArray();
        List<Step> compiled = new ArrayList<>();
        for (Node node : graph.nodes()) {
            int[] in = node.inputs().stream().mapToInt(s -> s.isEmpty() ? -1 : slot(s)).toArray();
            int[] out = node.outputs().stream().mapToInt(s -> s.isEmpty() ? -1 : slot(s)).toArray();
            compiled.add(new Step(node, in, out, compile(node)));
        }
        steps = compiled.toArray(Step[]::new);
        outputSlots = graph.outputs().stream().mapToInt(v -> slots.get(v.name())).toArray();
        constantSlots = new Tensor[slotNames.size()];
        graph.initializers().forEach((name, t) -> constantSlots[slots.get(name)] = t);
        lastUse = new int[slotNames.size()];
        Arrays.fill(lastUse, Integer.MAX_VALUE);
        int[] last = new int[slotNames.size()];
        Arrays.fill(last, -1);
        for (int s = 0; s < steps.length; s++) {
            for (int i : steps[s].in) {
                if (i >= 0) {
                    last[i] = s;
                }
            }
        }
        for (int i = 0; i < last.length; i++) {
            if (last[i] >= 0 && constantSlots[i] == null) {
                lastUse[i] = last[i];
            }
        }
        for (int o : outputSlots) {
            lastUse[o] = Integer.MAX_VALUE;
        }
        pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    /** A builder for an engine over {@code graph}. */
    public static Builder builder(Graph graph) {
        return new Builder(graph);
    }

    /** An engine over {@code graph} using every available core. */
    public static FloatEngine of(Graph graph) {
        return builder(graph).build();
    }

    /** The graph this engine runs. */
    public Graph graph() {
        return graph;
    }

    /** Threads {@link #predict(Tensor)} uses. */
    public int threads() {
        return threads;
    }

    private int slot(String name) {
        return slots.computeIfAbsent(name, n -> {
            slotNames.add(n);
            return slotNames.size() - 1;
        });
    }

    private Kernel compile(Node node) {
        Sgemm mm = sgemm;
        return switch (node.op()) {
            case Op.Conv c -> in -> new Tensor[] {Convolution.forward(c, in[0], in[1], optional(in, 2), mm)};
            case Op.Gemm g -> {
                Tensor b = graph.initializers().get(node.input(1));
                float[] bKN = b != null && g.transB() && b.shape().rank() == 2
                        ? Linear.transpose(b.data(), b.shape().dim(0), b.shape().dim(1)) : null;
                yield in -> new Tensor[] {Linear.gemm(g, in[0], in[1], bKN, optional(in, 2), mm)};
            }
            case Op.MatMul m -> in -> new Tensor[] {Linear.matmul(in[0], in[1], mm)};
            case Op.Binary b -> in -> new Tensor[] {Elementwise.binary(b, in[0], in[1])};
            case Op.Unary u -> in -> new Tensor[] {Elementwise.unary(u.kind(), in[0])};
            case Op.Clip c -> in -> new Tensor[] {Elementwise.clip(in[0], bound(in, 1, c.min()), bound(in, 2, c.max()))};
            case Op.BatchNorm bn -> in -> Normalization.batchNorm(bn, in[0], in[1], in[2], in[3], in[4]);
            case Op.Pool p -> {
                boolean withIndices = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
                yield in -> Pooling.forward(p, in[0], withIndices);
            }
            case Op.GlobalAveragePool g -> in -> new Tensor[] {Pooling.globalAverage(in[0])};
            case Op.Flatten f -> in -> new Tensor[] {Layout.flatten(f, in[0])};
            case Op.Reshape r -> in -> new Tensor[] {Layout.reshape(r, in[0],
                    r.shapeAttribute() != null ? r.shapeAttribute() : in[1].longs())};
            case Op.Concat c -> in -> new Tensor[] {Layout.concat(c, in)};
            case Op.Softmax s -> in -> new Tensor[] {Normalization.softmax(s, in[0])};
            case Op.FakeQuantize q -> in -> new Tensor[] {Elementwise.fakeQuantize(q, in[0])};
        };
    }

    private static Tensor optional(Tensor[] in, int i) {
        return i < in.length ? in[i] : null;
    }

    private static float bound(Tensor[] in, int i, float fallback) {
        Tensor t = optional(in, i);
        if (t == null) {
            return fallback;
        }
        if (t.shape().size() != 1) {
            throw new IllegalArgumentException("Clip bound " + t.shape() + " must be a scalar");
        }
        return t.data()[0];
    }

    /** Runs the graph on named inputs in this thread and returns every graph output by name. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Tensor[] values = execute(inputs, false);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < outputSlots.length; i++) {
            out.put(graph.outputs().get(i).name(), values[outputSlots[i]]);
        }
        return out;
    }

    /**
     * Runs the graph in this thread and returns the named values (inputs, intermediates or
     * outputs), for calibration and inspection.
     */
    public Map<String, Tensor> capture(Map<String, Tensor> inputs, java.util.Collection<String> names) {
        Tensor[] values = execute(inputs, true);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names) {
            Integer slot = slots.get(name);
            if (slot == null || values[slot] == null) {
                throw new IllegalArgumentException("the graph computes no value '" + name + "'");
            }
            out.put(name, values[slot]);
        }
        return out;
    }

    /**
     * The shape of every value (inputs, intermediates, outputs) when the graph runs on a batch of
     * {@code batch}, found by running it on zeros. Fails like {@link #run(Map)} on a graph whose
     * shapes do not fit.
     */
    public Map<String, Shape> valueShapes(int batch) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (ValueInfo v : graph.inputs()) {
            inputs.put(v.name(), Tensor.of(v.type(), shapeOf(v, batch), new float[shapeOf(v, batch).size()]));
        }
        Tensor[] values = execute(inputs, true);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                shapes.put(slotNames.get(i), values[i].shape());
            }
        }
        return shapes;
    }

    private static Shape shapeOf(ValueInfo v, int batch) {
        try {
            return v.shapeForBatch(batch);
        } catch (IllegalStateException e) {
            throw new UserInputException("input " + v.name(), e.getMessage());
        }
    }

    /**
     * Runs a single-input, single-output graph on a batch (first axis), splitting it across the
     * engine's threads, and returns the first output for the whole batch.
     */
    public Tensor predict(Tensor batch) {
        if (graph.inputs().size() != 1) {
            throw new UserInputException("model", "has " + graph.inputs().size() + " inputs; predict needs one");
        }
        String inputName = graph.inputs().get(0).name();
        Shape shape = batch.shape();
        int n = shape.dim(0);
        int perImage = n == 0 ? 0 : shape.size() / n;
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks == 0) {
            return execute(Map.of(inputName, batch), false)[outputSlots[0]];
        }
        Tensor[] results = new Tensor[chunks];
        // A single chunk runs in the caller's thread: handing it to the pool only adds a wake-up.
        boolean parallel = pool != null && chunks > 1;
        IntStream tasks = parallel ? IntStream.range(0, chunks).parallel() : IntStream.range(0, chunks);
        Runnable work = () -> tasks.forEach(c -> {
            int from = c * CHUNK;
            int count = Math.min(CHUNK, n - from);
            float[] part = Arrays.copyOfRange(batch.data(), from * perImage, (from + count) * perImage);
            Tensor in = Tensor.of(batch.type(), shape.with(0, count), part);
            Tensor out = execute(Map.of(inputName, in), false)[outputSlots[0]];
            if (out.shape().rank() == 0 || out.shape().dim(0) != count) {
                throw new UserInputException("output " + graph.outputs().getFirst().name(), "has shape "
                        + out.shape() + " for a batch of " + count + "; predict needs the batch on the first axis");
            }
            results[c] = out;
        });
        if (parallel) {
            pool.submit(work).join();
        } else {
            work.run();
        }
        Shape outShape = results[0].shape().with(0, n);
        float[] out = new float[outShape.size()];
        int offset = 0;
        for (Tensor r : results) {
            System.arraycopy(r.data(), 0, out, offset, r.data().length);
            offset += r.data().length;
        }
        return Tensor.of(results[0].type(), outShape, out);
    }

    private Tensor[] execute(Map<String, Tensor> inputs, boolean keepAll) {
        Tensor[] values = constantSlots.clone();
        for (int i = 0; i < inputSlots.length; i++) {
            ValueInfo info = graph.inputs().get(i);
            Tensor t = inputs.get(info.name());
            if (t == null) {
                throw new UserInputException("input " + info.name(), "no value given");
            }
            checkInput(info, t);
            values[inputSlots[i]] = t;
        }
        for (int s = 0; s < steps.length; s++) {
            Step step = steps[s];
            Tensor[] in = new Tensor[step.in.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = step.in[i] < 0 ? null : values[step.in[i]];
            }
            Tensor[] out;
            try {
                out = step.kernel.apply(in);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new UserInputException("node " + step.node.name(), step.node.op().type() + ": " + e.getMessage());
            }
            for (int o = 0; o < step.out.length && o < out.length; o++) {
                if (step.out[o] >= 0) {
                    values[step.out[o]] = out[o];
                }
            }
            if (!keepAll) {
                for (int i : step.in) {
                    if (i >= 0 && lastUse[i] == s) {
                        values[i] = null;
                    }
                }
            }
        }
        return values;
    }

    private static void checkInput(ValueInfo info, Tensor t) {
        List<Dimension> dims = info.dims();
        Shape s = t.shape();
        boolean ok = dims.isEmpty() || dims.size() == s.rank();
        for (int i = 0; ok && i < dims.size(); i++) {
            ok = dims.get(i).isSymbolic() || dims.get(i).size() == s.dim(i);
        }
        if (!ok) {
            throw new UserInputException("input " + info.name(), "expected shape " + dims + ", got " + s);
        }
    }

    /** Options of a {@link FloatEngine}. */
    public static final class Builder {
        private final Graph graph;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Sgemm sgemm = SgemmProvider.get();

        private Builder(Graph graph) {
            this.graph = java.util.Objects.requireNonNull(graph);
        }

        /** Threads for {@link FloatEngine#predict(Tensor)} (default: available processors). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The matrix kernel (default: {@link SgemmProvider#get()}). */
        public Builder sgemm(Sgemm sgemm) {
            this.sgemm = java.util.Objects.requireNonNull(sgemm);
            return this;
        }

        public FloatEngine build() {
            return new FloatEngine(this);
        }
    }
}
