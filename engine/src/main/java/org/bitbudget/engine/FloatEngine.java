package org.bitbudget.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.FloatContext;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.sgemm.Sgemm;
import org.bitbudget.ops.compute.sgemm.SgemmFamily;

/**
 * Runs a graph in float32, NCHW, as ONNX defines each operator. The graph is compiled once into a
 * list of steps over numbered value slots; constant weights are laid out for the matrix kernel at
 * compile time. {@link #predict(Tensor)} splits a batch across threads.
 *
 * <p>{@link #run} and {@link #predict} execute a plan in which a Relu or Clip that only post-processes
 * a Conv or Gemm is applied by that step to its own result, as is a residual Add that only
 * post-processes a Conv (see {@link #plan()}), and in which the
 * largest intermediate results reuse their arrays from one call to the next in the same thread.
 * {@link #capture} and {@link #valueShapes} execute every node on its own, so that every value exists.
 *
 * <pre>{@code
 * Graph g = OnnxImporter.load(Path.of("lenet5.onnx"));
 * FloatEngine engine = FloatEngine.builder(g).threads(2).build();
 * Tensor logits = engine.predict(images); // images: [N, 1, 28, 28]
 * }</pre>
 */
public final class FloatEngine {
    /**
     * Images per task when a batch is split across threads: small enough that a layer's input and
     * output stay in a core's L2 (resnet8's 16-channel 28 x 28 activations are 50 KB per image; at 32
     * images a layer streamed through the shared L3 and the second thread gained less).
     */
    private static final int CHUNK = 8;
    /**
     * The largest result array (in floats) a thread keeps for reuse. Larger ones come from a
     * {@link #run} on a big batch, where allocating costs little next to the work and keeping the
     * array would pin the memory for as long as the thread lives.
     */
    private static final int MAX_REUSED = 1 << 20;

    private final Graph graph;
    private final int threads;
    private final Sgemm sgemm;
    private final Map<String, Integer> slots = new HashMap<>();
    private final List<String> slotNames = new ArrayList<>();
    private final Tensor[] constantSlots;
    private final int[] inputSlots;
    private final int[] outputSlots;
    /** One step per node: what {@link #capture} and {@link #valueShapes} run. */
    private final Plan nodeByNode;
    /** Add, Relu and Clip fused into the step before: what {@link #run} and {@link #predict} run. */
    private final Plan fused;
    /** Per thread, the result array each step of {@link #fused} filled last (null if none or too big). */
    private final ThreadLocal<float[][]> reused;

    private final ForkJoinPool pool;
    /** Steps of {@link #fused} that read or write values in channel blocks: for tests. */
    final int blockedSteps;
    /** Those steps as {@link #plan()} describes them: for tests. */
    final List<String> blockedPlan;

    /** Steps in execution order and, per value slot, the last step that reads it (MAX_VALUE: keep it). */
    private record Plan(Step[] steps, int[] lastUse) {}

    /**
     * One kernel call. {@code fused} are the nodes whose work the kernel does on its own result, in
     * order (a residual Add, then a Relu or Clip; {@code out} holds the last one's outputs), or
     * none. {@code reusesArray} says the kernel may take its result array from the thread's reused
     * arrays.
     */
    private record Step(Node node, List<Node> fused, int[] in, int[] out, FloatKernel kernel, boolean reusesArray) {
        String describe() {
            StringBuilder line = new StringBuilder(node.toString());
            for (Node f : fused) {
                line.append(" + ").append(f);
            }
            return line.toString();
        }
    }

    private FloatEngine(Builder b) {
        this.graph = b.graph;
        this.threads = b.threads;
        this.sgemm = b.sgemm;
        for (var e : graph.initializers().keySet()) {
            slot(e);
        }
        inputSlots = graph.inputs().stream().mapToInt(v -> slot(v.name())).toArray();
        // Node by node first: it numbers every value in node order, which valueShapes() reports in.
        Step[] nodeSteps = compileSteps(false);
        Step[] planarSteps = compileSteps(true);
        outputSlots =
                graph.outputs().stream().mapToInt(v -> slots.get(v.name())).toArray();
        Step[] fusedSteps = b.blocked ? blocked(planarSteps) : planarSteps;
        blockedPlan = java.util.stream.IntStream.range(0, fusedSteps.length)
                .filter(s -> fusedSteps[s] != planarSteps[s])
                .mapToObj(s -> fusedSteps[s].describe())
                .toList();
        blockedSteps = blockedPlan.size();
        constantSlots = new Tensor[slotNames.size()];
        graph.initializers().forEach((name, t) -> constantSlots[slots.get(name)] = t);
        nodeByNode = new Plan(nodeSteps, lastUses(nodeSteps));
        fused = new Plan(fusedSteps, lastUses(fusedSteps));
        reused = ThreadLocal.withInitial(() -> new float[fusedSteps.length][]);
        // The caller runs chunks too (see SharedChunks), so the pool needs one worker fewer.
        pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    /**
     * The steps of a plan; with {@code fuse}, each fusable residual Add and each fusable Relu or
     * Clip joins the step before.
     */
    private Step[] compileSteps(boolean fuse) {
        Fusions fusions = new Fusions(graph);
        // The values computed before the step being compiled: what a fused Add may read.
        Set<String> available = new HashSet<>(graph.initializers().keySet());
        graph.inputs().forEach(v -> available.add(v.name()));
        Set<Node> joined = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Step> steps = new ArrayList<>();
        for (Node node : graph.nodes()) {
            if (joined.contains(node)) {
                continue;
            }
            Node add = fuse ? fusions.residualAdd(node, available) : null;
            Node beforeActivation = add != null ? add : node;
            Node activation = fuse && Operators.of(node.op()).fusesActivation()
                    ? fusions.activationReading(beforeActivation)
                    : null;
            List<Node> fused = new ArrayList<>();
            if (add != null) {
                fused.add(add);
            }
            if (activation != null) {
                fused.add(activation);
            }
            joined.addAll(fused);
            Node last = fused.isEmpty() ? node : fused.getLast();
            List<String> inputs = new ArrayList<>(node.inputs());
            if (add != null) {
                inputs.add(Fusions.residualOperand(add, node.outputs().getFirst()));
            }
            int[] in = inputs.stream().mapToInt(s -> s.isEmpty() ? -1 : slot(s)).toArray();
            int[] out = last.outputs().stream()
                    .mapToInt(s -> s.isEmpty() ? -1 : slot(s))
                    .toArray();
            boolean reuse = fuse
                    && Operators.of(node.op()).writesIntoAllocator()
                    && !last.outputs().getFirst().isEmpty()
                    && !fusions.escapes(last.outputs().getFirst());
            FloatKernel kernel = compile(node, activation == null ? null : fusions.activation(activation), add != null);
            steps.add(new Step(node, List.copyOf(fused), in, out, kernel, reuse));
            available.addAll(last.outputs());
        }
        return steps.toArray(Step[]::new);
    }

    /** {@code steps} with the kernels of {@link BlockedPlan} where it keeps values in channel blocks. */
    private Step[] blocked(Step[] steps) {
        List<BlockedPlan.StepView> views = Arrays.stream(steps)
                .map(s -> new BlockedPlan.StepView(s.node, s.fused, s.in, s.out, s.kernel))
                .toList();
        FloatKernel[] kernels = BlockedPlan.kernels(graph, views, outputSlots, slotNames.size());
        Step[] out = steps.clone();
        for (int s = 0; s < out.length; s++) {
            if (kernels[s] != null) {
                out[s] = new Step(
                        steps[s].node, steps[s].fused, steps[s].in, steps[s].out, kernels[s], steps[s].reusesArray);
            }
        }
        return out;
    }

    /** Per slot, the last step reading it; MAX_VALUE for constants, graph outputs and unread values. */
    private int[] lastUses(Step[] steps) {
        int[] lastUse = new int[slotNames.size()];
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
        return lastUse;
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

    /**
     * The time of one step of the plan {@link #run} executes.
     *
     * @param node         the step's node (a fused Add or activation is counted in its layer's step)
     * @param step         the step as {@link #plan()} lists it
     * @param milliseconds mean wall time per run
     */
    public record StepTime(String node, String step, double milliseconds) {}

    /**
     * Times every step of the fused plan on {@code inputs} in this thread: one warm-up run, then
     * the mean over {@code repeats} runs.
     */
    public List<StepTime> profile(Map<String, Tensor> inputs, int repeats) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        execute(fused, inputs);
        long[] nanos = new long[fused.steps.length];
        for (int r = 0; r < repeats; r++) {
            execute(fused, inputs, nanos);
        }
        List<StepTime> times = new ArrayList<>();
        for (int s = 0; s < nanos.length; s++) {
            times.add(new StepTime(fused.steps[s].node.name(), fused.steps[s].describe(), nanos[s] / 1e6 / repeats));
        }
        return times;
    }

    /**
     * The steps {@link #run} and {@link #predict} execute, in order, one line each: the node's
     * operator type and name ({@code "Conv /c1/Conv"}), followed by {@code " + Add /add"} when the
     * step also does the work of the residual Add reading its result, and by {@code " + Relu /Relu"}
     * when it also does the work of the Relu or Clip node after it (or after the Add). A fused step
     * applies the Add and the activation to its result as it computes it, so it yields only the
     * last node's value: the plain Conv or Gemm output exists only in {@link #capture}, which runs
     * one step per node.
     */
    public List<String> plan() {
        return Arrays.stream(fused.steps).map(Step::describe).toList();
    }

    private int slot(String name) {
        return slots.computeIfAbsent(name, n -> {
            slotNames.add(n);
            return slotNames.size() - 1;
        });
    }

    /**
     * The kernel of {@code node}; {@code activation} (fusing operators only) is applied to its result, or null;
     * with {@code addsResidual} the kernel's last input is a fused Add's other operand.
     */
    private FloatKernel compile(Node node, Activation activation, boolean addsResidual) {
        return Operators.of(node.op())
                .floatKernel(node.op(), new FloatContext(node, graph.initializers(), sgemm, activation, addsResidual));
    }

    /** Runs the graph on named inputs in this thread and returns every graph output by name. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        Tensor[] values = execute(fused, inputs);
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
        Tensor[] values = execute(nodeByNode, inputs);
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
     * shapes do not fit. {@link org.bitbudget.ops.ShapeInference} derives the same shapes
     * without running the graph; this is what its tests compare it with.
     */
    public Map<String, Shape> valueShapes(int batch) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (ValueInfo v : graph.inputs()) {
            inputs.put(
                    v.name(),
                    Tensor.of(
                            v.type(),
                            shapeOf(v, batch),
                            new float[shapeOf(v, batch).size()]));
        }
        Tensor[] values = execute(nodeByNode, inputs);
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
     * Runs a single-input graph on a batch (first axis), splitting it across the engine's threads,
     * and returns the first output for the whole batch.
     */
    public Tensor predict(Tensor batch) {
        if (graph.inputs().size() != 1) {
            throw new UserInputException("model", "has " + graph.inputs().size() + " inputs; predict needs one");
        }
        return predict(List.of(batch));
    }

    /**
     * Runs the graph on one batch per graph input, in input order, all with the same number of samples
     * on the first axis, splitting them across the engine's threads; returns the first output.
     */
    public Tensor predict(List<Tensor> batches) {
        if (batches.size() != graph.inputs().size()) {
            throw new UserInputException(
                    "model",
                    "has " + graph.inputs().size() + " inputs (" + inputNames() + ") but got " + batches.size()
                            + " batches");
        }
        int n = batches.getFirst().shape().dim(0);
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).shape().dim(0) != n) {
                throw new UserInputException(
                        "input " + graph.inputs().get(i).name(),
                        "batch of " + batches.get(i).shape().dim(0) + " samples, the first input has " + n);
            }
        }
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks == 0) {
            return execute(fused, named(batches, 0, 0))[outputSlots[0]];
        }
        Tensor[] results = new Tensor[chunks];
        IntConsumer chunk = c -> {
            int from = c * CHUNK;
            int count = Math.min(CHUNK, n - from);
            Tensor out = execute(fused, named(batches, from, count))[outputSlots[0]];
            if (out.shape().rank() == 0 || out.shape().dim(0) != count) {
                throw new UserInputException(
                        "output " + graph.outputs().getFirst().name(),
                        "has shape " + out.shape() + " for a batch of " + count
                                + "; predict needs the batch on the first axis");
            }
            results[c] = out;
        };
        if (pool == null || chunks == 1) {
            // A single chunk runs in the caller's thread: handing it to the pool only adds a wake-up.
            for (int c = 0; c < chunks; c++) {
                chunk.accept(c);
            }
        } else {
            SharedChunks.run(pool, threads, chunks, chunk);
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

    /** Samples {@code [from, from + count)} of every batch, by graph input name. */
    private Map<String, Tensor> named(List<Tensor> batches, int from, int count) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            Tensor batch = batches.get(i);
            Shape shape = batch.shape();
            int per = shape.dim(0) == 0 ? 0 : shape.size() / shape.dim(0);
            float[] part = from == 0 && count == shape.dim(0)
                    ? batch.data()
                    : Arrays.copyOfRange(batch.data(), from * per, (from + count) * per);
            inputs.put(graph.inputs().get(i).name(), Tensor.of(batch.type(), shape.with(0, count), part));
        }
        return inputs;
    }

    private String inputNames() {
        return graph.inputs().stream().map(ValueInfo::name).collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * Runs {@code plan} on {@code inputs}. The node-by-node plan keeps every value; the fused one
     * drops each value after its last reader and lets steps reuse this thread's arrays.
     */
    private Tensor[] execute(Plan plan, Map<String, Tensor> inputs) {
        return execute(plan, inputs, null);
    }

    /** {@link #execute(Plan, Map)}, adding each step's wall time to {@code stepNanos} when it is not null. */
    private Tensor[] execute(Plan plan, Map<String, Tensor> inputs, long[] stepNanos) {
        boolean keepAll = plan == nodeByNode;
        float[][] reusable = keepAll ? null : reused.get();
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
        for (int s = 0; s < plan.steps.length; s++) {
            Step step = plan.steps[s];
            Tensor[] in = new Tensor[step.in.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = step.in[i] < 0 ? null : values[step.in[i]];
            }
            int index = s;
            Allocator allocator =
                    step.reusesArray && reusable != null ? size -> reuse(reusable, index, size) : Allocator.FRESH;
            Tensor[] out;
            long started = stepNanos == null ? 0 : System.nanoTime();
            try {
                out = step.kernel.apply(in, allocator);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new UserInputException(
                        "node " + step.node.name(), step.node.op().type() + ": " + e.getMessage());
            }
            if (stepNanos != null) {
                stepNanos[s] += System.nanoTime() - started;
            }
            for (int o = 0; o < step.out.length && o < out.length; o++) {
                if (step.out[o] >= 0) {
                    values[step.out[o]] = out[o];
                }
            }
            if (!keepAll) {
                for (int i : step.in) {
                    if (i >= 0 && plan.lastUse[i] == s) {
                        values[i] = null;
                    }
                }
            }
        }
        return values;
    }

    /**
     * The array step {@code s} filled on its last run in this thread, if it has {@code size}
     * floats; otherwise a new one, kept for next time unless larger than {@link #MAX_REUSED}. The
     * old contents are stale: the step overwrites them. Safe because nothing outside one
     * {@link #execute} call can still read the array (the step's result does not escape) and a
     * thread runs one call at a time.
     */
    private static float[] reuse(float[][] arrays, int s, int size) {
        float[] a = arrays[s];
        if (a != null && a.length == size) {
            return a;
        }
        a = new float[size];
        if (size <= MAX_REUSED) {
            arrays[s] = a;
        }
        return a;
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
        private Sgemm sgemm = SgemmFamily.get();
        private boolean blocked = true;

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

        /**
         * The matrix kernel of Gemm and MatMul nodes (default: {@link SgemmFamily#get()}); Conv nodes
         * run the packed kernel of {@code PackedSgemmFamily}, which gives the same bits.
         */
        public Builder sgemm(Sgemm sgemm) {
            this.sgemm = java.util.Objects.requireNonNull(sgemm);
            return this;
        }

        /** Whether the fused plan may keep values in channel blocks (default on); off, all of it is NCHW. */
        Builder blocked(boolean blocked) {
            this.blocked = blocked;
            return this;
        }

        public FloatEngine build() {
            return new FloatEngine(this);
        }
    }
}
