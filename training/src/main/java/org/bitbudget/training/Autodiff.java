package org.bitbudget.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ops.Gradients;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.TrainingForward;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;
import org.bitbudget.ops.gradients.NormOps;

/**
 * Forward and backward passes in double over a {@link Graph}, with the float engine's operator
 * semantics. {@link #forward} records every value on a {@link Tape}; {@link #backward} walks the
 * nodes in reverse and returns the gradient of the loss with respect to every parameter (float
 * initializer) and graph input the given outputs depend on.
 *
 * <pre>{@code
 * Autodiff ad = new Autodiff(graph);
 * Autodiff.Tape tape = ad.forward(Map.of("input", images), params, true);
 * var ce = SoftmaxCrossEntropy.of(tape.value("logits"), labels);
 * Map<String, DTensor> grads = ad.backward(tape, Map.of("logits", ce.gradient()));
 * }</pre>
 *
 * <p>What is and is not differentiated:
 * <ul>
 *   <li>BatchNormalization gives gradients for x, scale and bias; its running mean and variance are
 *       statistics, not parameters, and get none. With batch statistics the gradient flows through
 *       the batch mean and variance too.</li>
 *   <li>Clip's bounds and Reshape's shape are constants.</li>
 *   <li>Round uses the straight-through estimator (gradient passed unchanged).</li>
 *   <li>FakeQuantize passes dY to x by the straight-through estimator where the code
 *       x / scale + zero point lies inside the format's [min, max], and gives 0 where it is
 *       clamped; the learned-step-size gradient of its scale ({@link #lsqScaleGradient}) is in the
 *       result under {@code "<node name>/scale"}.</li>
 * </ul>
 *
 * <p>An instance holds only immutable state (the compiled graph and its constants as doubles), so
 * several threads may run forward and backward passes on it at once.
 */
public final class Autodiff {
    /** Suffix of the result key that holds a FakeQuantize node's scale gradient. */
    public static final String SCALE_SUFFIX = "/scale";

    private final Graph graph;
    private final Map<String, Integer> slots = new HashMap<>();
    private final String[] slotNames;
    /** Constant values by slot (null for inputs and node outputs); never written. */
    private final DTensor[] constants;
    /** The slots of the float initializers, the parameters that get gradients. */
    private final int[] paramSlots;

    private final int[] inputSlots;
    private final Step[] steps;

    /**
     * One node with its input and output slots (-1 for an omitted one) and, per input, whether a
     * gradient must flow into it.
     */
    private record Step(Node node, int[] in, int[] out, boolean[] needGrad, boolean[] needParamGrad) {}

    /** Compiles {@code graph}: numbers its values and converts its initializers to double once. */
    public Autodiff(Graph graph) {
        this.graph = Objects.requireNonNull(graph);
        List<String> names = new ArrayList<>();
        Function<String, Integer> slot = name -> slots.computeIfAbsent(name, n -> {
            names.add(n);
            return names.size() - 1;
        });
        graph.initializers().keySet().forEach(slot::apply);
        inputSlots = graph.inputs().stream().mapToInt(v -> slot.apply(v.name())).toArray();
        int[][] ins = new int[graph.nodes().size()][];
        int[][] outs = new int[graph.nodes().size()][];
        for (int s = 0; s < ins.length; s++) {
            Node node = graph.nodes().get(s);
            ins[s] = node.inputs().stream()
                    .mapToInt(n -> n.isEmpty() ? -1 : slot.apply(n))
                    .toArray();
            outs[s] = node.outputs().stream()
                    .mapToInt(n -> n.isEmpty() ? -1 : slot.apply(n))
                    .toArray();
        }
        slotNames = names.toArray(String[]::new);
        constants = new DTensor[slotNames.length];
        boolean[] parameter = new boolean[slotNames.length];
        List<Integer> params = new ArrayList<>();
        graph.initializers().forEach((name, t) -> {
            int i = slots.get(name);
            constants[i] = DTensor.from(t);
            if (!t.type().isInteger()) {
                parameter[i] = true;
                params.add(i);
            }
        });
        paramSlots = params.stream().mapToInt(Integer::intValue).toArray();
        boolean[] input = new boolean[slotNames.length];
        for (int i = 0; i < inputSlots.length; i++) {
            input[inputSlots[i]] = !graph.inputs().get(i).type().isInteger();
        }
        boolean[][] needAll = needGrad(ins, outs, parameter, input);
        boolean[][] needParams = needGrad(ins, outs, parameter, new boolean[slotNames.length]);
        steps = new Step[ins.length];
        for (int s = 0; s < ins.length; s++) {
            steps[s] = new Step(graph.nodes().get(s), ins[s], outs[s], needAll[s], needParams[s]);
        }
    }

    /**
     * Per node and input, whether a gradient must flow into it so as to reach the leaves marked in
     * {@code parameter} or {@code input}.
     */
    private boolean[][] needGrad(int[][] ins, int[][] outs, boolean[] parameter, boolean[] input) {
        boolean[] requiresGrad = new boolean[slotNames.length];
        for (int i = 0; i < requiresGrad.length; i++) {
            requiresGrad[i] = parameter[i] || input[i];
        }
        boolean[][] need = new boolean[ins.length][];
        for (int s = 0; s < ins.length; s++) {
            Op op = graph.nodes().get(s).op();
            need[s] = new boolean[ins[s].length];
            boolean any = false;
            for (int i = 0; i < need[s].length; i++) {
                need[s][i] = ins[s][i] >= 0
                        && requiresGrad[ins[s][i]]
                        && Operators.of(op).differentiable(op, i);
                any |= need[s][i];
            }
            // Most operators pass a gradient back from output 0 only: their others are running
            // statistics or MaxPool indices.
            for (int o = 0; any && o < outs[s].length; o++) {
                if (outs[s][o] >= 0 && Operators.of(op).differentiableOutput(op, o)) {
                    requiresGrad[outs[s][o]] = true;
                }
            }
        }
        return need;
    }

    /** The graph this instance differentiates. */
    public Graph graph() {
        return graph;
    }

    /**
     * Runs the graph.
     *
     * @param inputs   a value for every graph input
     * @param params   values for some or all initializers by name, overriding the graph's (same
     *                 shapes); missing ones come from the graph
     * @param training true makes every BatchNorm use batch statistics (mean and population variance
     *                 over N and the spatial axes), whatever its training flag; false uses batch
     *                 statistics only where the node's flag says so, as the float engine does
     */
    public Tape forward(Map<String, DTensor> inputs, Map<String, DTensor> params, boolean training) {
        DTensor[] values = constants.clone();
        params.forEach((name, v) -> {
            Integer s = slots.get(name);
            if (s == null || constants[s] == null) {
                throw new IllegalArgumentException("the graph has no initializer '" + name + "'");
            }
            if (!Arrays.equals(constants[s].dims(), v.dims())) {
                throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(v.dims())
                        + ", the graph's initializer " + Arrays.toString(constants[s].dims()));
            }
            values[s] = v;
        });
        for (int i = 0; i < inputSlots.length; i++) {
            ValueInfo info = graph.inputs().get(i);
            DTensor t = inputs.get(info.name());
            if (t == null) {
                throw new UserInputException("input " + info.name(), "no value given");
            }
            checkInput(info, t);
            values[inputSlots[i]] = t;
        }
        Object[] saved = new Object[steps.length];
        Map<String, DTensor[]> statistics = new LinkedHashMap<>();
        for (int s = 0; s < steps.length; s++) {
            Step step = steps[s];
            DTensor[] in = new DTensor[step.in.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = step.in[i] < 0 ? null : values[step.in[i]];
            }
            TrainingForward f;
            try {
                Op op = step.node.op();
                f = Operators.of(op).forward(op, step.node, in, training);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new UserInputException(
                        "node " + step.node.name(), step.node.op().type() + ": " + e.getMessage());
            }
            for (int o = 0; o < step.out.length && o < f.outputs().length; o++) {
                if (step.out[o] >= 0) {
                    values[step.out[o]] = f.outputs()[o];
                }
            }
            saved[s] = f.saved();
            if (f.saved() instanceof NormOps.BatchNormState st && st.batch()) {
                statistics.put(step.node.name(), new DTensor[] {
                    DTensor.of(new int[] {st.mean().length}, st.mean()),
                    DTensor.of(new int[] {st.variance().length}, st.variance())
                });
            }
        }
        return new Tape(this, values, saved, statistics);
    }

    /** Refuses an input whose shape differs from the declared one, as the float engine does. */
    private static void checkInput(ValueInfo info, DTensor t) {
        List<Dimension> dims = info.dims();
        boolean ok = dims.isEmpty() || dims.size() == t.rank();
        for (int i = 0; ok && i < dims.size(); i++) {
            ok = dims.get(i).isSymbolic() || dims.get(i).size() == t.dim(i);
        }
        if (!ok) {
            throw new UserInputException(
                    "input " + info.name(), "expected shape " + dims + ", got " + Arrays.toString(t.dims()));
        }
    }

    /**
     * Gradients of the loss with respect to every parameter (float initializer, by name) and graph
     * input that influences the given values, from the loss's gradients with respect to them; plus,
     * for every FakeQuantize node the gradient reaches, its scale's gradient under
     * {@code "<node name>/scale"} (a scalar). Tensors this returns are the caller's to keep or change.
     *
     * @param tape            a forward pass of this instance
     * @param outputGradients dLoss/dValue for graph outputs (or any other value of the tape), each of
     *                        the value's shape; they are read, never written
     */
    public Map<String, DTensor> backward(Tape tape, Map<String, DTensor> outputGradients) {
        return backward(tape, outputGradients, true);
    }

    /**
     * {@link #backward(Tape, Map)}, optionally without the gradients of graph inputs. Training needs
     * none (the input is data), and skipping them spares the first layer's input-gradient product
     * and col2im, which makes a LeNet-5 training step (forward and backward) about 15% faster.
     *
     * @param inputGradients false to return (and compute) gradients of parameters only
     */
    public Map<String, DTensor> backward(Tape tape, Map<String, DTensor> outputGradients, boolean inputGradients) {
        return backward(tape, outputGradients, inputGradients, List.of());
    }

    /**
     * {@link #backward(Tape, Map, boolean)}, plus the gradient of the loss with respect to each value
     * named in {@code values} (any node output of the tape, e.g. a layer's output before its
     * activation) under its name: zeros where no gradient reaches the value. The gradient of a value
     * is complete once the walk passes the node that computes it, so this costs no extra pass.
     *
     * @throws IllegalArgumentException when the tape holds no value of one of the names
     */
    public Map<String, DTensor> backward(
            Tape tape, Map<String, DTensor> outputGradients, boolean inputGradients, Collection<String> values) {
        if (tape.owner != this) {
            throw new IllegalArgumentException("the tape comes from another Autodiff");
        }
        DTensor[] grads = new DTensor[slotNames.length];
        // A gradient array may be shared (the caller's, or one a reshape or identity passed on
        // from its output): such an array is copied before anything is added into it in place, or
        // before it is returned. Arrays the kernels made fresh are owned and used as they are.
        boolean[] owned = new boolean[slotNames.length];
        outputGradients.forEach((name, g) -> {
            Integer s = slots.get(name);
            if (s == null || tape.values[s] == null) {
                throw new IllegalArgumentException("the graph computes no value '" + name + "'");
            }
            if (!Arrays.equals(tape.values[s].dims(), g.dims())) {
                throw new IllegalArgumentException("gradient of '" + name + "' has shape " + Arrays.toString(g.dims())
                        + ", the value " + Arrays.toString(tape.values[s].dims()));
            }
            accumulate(grads, owned, s, g, false);
        });
        Map<String, DTensor> scales = new LinkedHashMap<>();
        for (int s = steps.length - 1; s >= 0; s--) {
            Step step = steps[s];
            // The gradient of every output that passes one back: a Split whose first part the loss
            // ignores still passes its other parts' back, the first output's then being zeros.
            DTensor[] dys = new DTensor[step.out.length];
            boolean any = false;
            for (int o = 0; o < dys.length; o++) {
                Op op = step.node.op();
                dys[o] = step.out[o] >= 0 && Operators.of(op).differentiableOutput(op, o) ? grads[step.out[o]] : null;
                any |= dys[o] != null;
            }
            if (!any || step.out[0] < 0) {
                continue;
            }
            DTensor dy = dys[0] != null ? dys[0] : DTensor.zeros(tape.values[step.out[0]].dims());
            DTensor[] in = new DTensor[step.in.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = step.in[i] < 0 ? null : tape.values[step.in[i]];
            }
            DTensor y = tape.values[step.out[0]];
            boolean[] need = inputGradients ? step.needGrad : step.needParamGrad;
            Op op = step.node.op();
            DTensor[] din;
            try {
                din = Operators.of(op).backward(op, new Gradients(step.node, need, in, y, tape.saved[s], dy, dys));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new UserInputException("node " + step.node.name(), op.type() + ": " + e.getMessage());
            }
            for (int i = 0; i < din.length && i < step.in.length; i++) {
                if (din[i] != null && need[i]) {
                    accumulate(grads, owned, step.in[i], din[i], din[i].data() != dy.data());
                }
            }
            if (step.node.op() instanceof Op.FakeQuantize q) {
                double g = lsqScaleGradient(q, in[0], dy);
                scales.put(step.node.name() + SCALE_SUFFIX, DTensor.of(new int[0], new double[] {g}));
            }
        }
        Map<String, DTensor> result = new LinkedHashMap<>();
        for (int s : paramSlots) {
            if (grads[s] != null) {
                result.put(slotNames[s], owned[s] ? grads[s] : grads[s].copy());
            }
        }
        for (int s : inputSlots) {
            if (inputGradients && grads[s] != null) {
                result.put(slotNames[s], owned[s] ? grads[s] : grads[s].copy());
            }
        }
        result.putAll(scales);
        for (String name : values) {
            Integer s = slots.get(name);
            if (s == null || tape.values[s] == null) {
                throw new IllegalArgumentException("the graph computes no value '" + name + "'");
            }
            DTensor g = grads[s];
            result.put(name, g == null ? DTensor.zeros(tape.values[s].dims()) : owned[s] ? g : g.copy());
        }
        return result;
    }

    private static void accumulate(DTensor[] grads, boolean[] owned, int slot, DTensor g, boolean fresh) {
        DTensor current = grads[slot];
        if (current == null) {
            grads[slot] = g;
            owned[slot] = fresh;
            return;
        }
        if (!owned[slot]) {
            current = current.copy();
            grads[slot] = current;
            owned[slot] = true;
        }
        double[] acc = current.data();
        double[] add = g.data();
        for (int i = 0; i < acc.length; i++) {
            acc[i] += add[i];
        }
    }

    /**
     * The learned-step-size (LSQ, Esser et al. 2020) gradient of a FakeQuantize node's scale s:
     * Σ dY · ∂x̂/∂s over the elements, with the straight-through estimator for rounding. For
     * x̂ = (clamp(round(x / s) + zp, min, max) − zp) · s (and x̂ = Q(x / s) · s for minifloats),
     * <pre>
     *   ∂x̂/∂s = x̂ / s − x / s   where min ≤ x / s + zp ≤ max (round(x/s) − x/s),
     *   ∂x̂/∂s = x̂ / s           where clamped ((bound − zp), the paper's −Qn or Qp).
     * </pre>
     * This is the raw derivative. LSQ also multiplies it by g = 1 / sqrt(count · Qp), count being
     * the number of values the scale covers (weights per tensor, or activations per batch) and Qp
     * the format's {@link NumberFormat#maxValue()}; that choice is the optimiser's, so it is not
     * applied here. For {@code float}, which does not quantize, the gradient is 0.
     *
     * @param x              the node's input
     * @param outputGradient dLoss/dx̂, of x's shape
     */
    public static double lsqScaleGradient(Op.FakeQuantize q, DTensor x, DTensor outputGradient) {
        if (!q.format().quantizes()) {
            return 0;
        }
        double s = q.scale();
        double zp = q.zeroPoint();
        double[] in = x.data();
        double[] g = outputGradient.data();
        if (in.length != g.length) {
            throw new IllegalArgumentException("x has " + in.length + " values, its gradient " + g.length);
        }
        double sum = 0;
        for (int i = 0; i < in.length; i++) {
            double t = in[i] / s;
            double code = zp != 0 ? Math.rint(t) + zp : t;
            double xHatOverS = q.format().quantize((float) code) - zp;
            double d = ElementwiseOps.inside(in[i], s, zp, q.format()) ? xHatOverS - t : xHatOverS;
            sum += g[i] * d;
        }
        return sum;
    }

    /**
     * The values of one forward pass, which {@link #backward} differentiates. Immutable once made;
     * belongs to the {@link Autodiff} that made it.
     */
    public static final class Tape {
        private final Autodiff owner;
        private final DTensor[] values;
        private final Object[] saved;
        private final Map<String, DTensor[]> batchStatistics;

        private Tape(Autodiff owner, DTensor[] values, Object[] saved, Map<String, DTensor[]> batchStatistics) {
            this.owner = owner;
            this.values = values;
            this.saved = saved;
            this.batchStatistics = Collections.unmodifiableMap(batchStatistics);
        }

        /** The value called {@code name}: a graph input, an initializer (as used) or a node output. */
        public DTensor value(String name) {
            Integer s = owner.slots.get(name);
            if (s == null || values[s] == null) {
                throw new IllegalArgumentException("the graph computes no value '" + name + "'");
            }
            return values[s];
        }

        /**
         * For every BatchNorm node that normalised with batch statistics, by node name: {mean,
         * population variance}, each of shape [C].
         */
        public Map<String, DTensor[]> batchStatistics() {
            return batchStatistics;
        }
    }
}
