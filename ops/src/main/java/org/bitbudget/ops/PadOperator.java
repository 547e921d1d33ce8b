package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.IndexMap;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LayoutOps;

/**
 * ONNX Pad in mode {@code constant}, {@code reflect} or {@code edge}; negative pads crop. The pads
 * (every axis' begin pads, then the end pads) and the constant are attributes before opset 11 and
 * inputs 1 and 2 from 11 on; opset 18 adds the optional input 3, the axes the pads are for.
 */
final class PadOperator implements OperatorDescriptor<PadOperator.Pad> {
    /** How the border is filled. */
    enum Mode {
        CONSTANT,
        REFLECT,
        EDGE
    }

    /**
     * @param padsAttribute the attribute form's pads (opset below 11), else null
     * @param value         the attribute form's constant
     */
    record Pad(Mode mode, long[] padsAttribute, float value) implements Op {
        public String type() {
            return "Pad";
        }

        boolean legacy() {
            return padsAttribute != null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pad p
                    && mode == p.mode
                    && Float.compare(value, p.value) == 0
                    && Arrays.equals(padsAttribute, p.padsAttribute);
        }

        @Override
        public int hashCode() {
            return mode.hashCode() * 31 + Arrays.hashCode(padsAttribute);
        }

        @Override
        public String toString() {
            return "Pad(mode=" + mode + ", pads=" + Arrays.toString(padsAttribute) + ", value=" + value + ")";
        }
    }

    @Override
    public String type() {
        return "Pad";
    }

    @Override
    public Pad read(OnnxNode n) {
        String name = n.getString("mode", "constant");
        Mode mode = switch (name) {
            case "constant" -> Mode.CONSTANT;
            case "reflect" -> Mode.REFLECT;
            case "edge" -> Mode.EDGE;
            default -> throw n.unsupported("Pad mode " + name, "Pad mode '" + name + "' is not supported");
        };
        if (n.opset() >= 11) {
            return new Pad(mode, null, 0f);
        }
        long[] pads = n.getLongs(n.opset() < 2 ? "paddings" : "pads", null);
        if (pads == null) {
            throw n.error("Pad needs a 'pads' attribute");
        }
        return new Pad(mode, pads, n.getFloat("value", 0f));
    }

    @Override
    public Arity arity(Pad p) {
        return p.legacy() ? Arity.exactly(1) : Arity.between(2, 4);
    }

    @Override
    public int minimumOpset(Pad p, Node node) {
        return node.input(3).isEmpty() ? 1 : 18;
    }

    @Override
    public void write(Pad p, Node node, AttributeWriter out) {
        if (p.legacy()) {
            throw new IllegalArgumentException(
                    "node " + node.name() + ": this Pad has its pads as an attribute, which opset 13 lacks");
        }
        out.text("mode", p.mode().name().toLowerCase(java.util.Locale.ROOT));
    }

    /** The movement that pads {@code dims}; {@code axes} null means every axis. */
    static IndexMap.Moves moves(Mode mode, int[] dims, long[] pads, long[] axes) {
        int rank = dims.length;
        int[] ax;
        if (axes == null) {
            ax = new int[rank];
            for (int i = 0; i < rank; i++) {
                ax[i] = i;
            }
        } else {
            ax = ShapeValues.axes(axes, rank);
        }
        if (pads.length != 2 * ax.length) {
            throw new IllegalArgumentException(
                    "pads " + Arrays.toString(pads) + " need 2 values for each of " + ax.length + " axes");
        }
        long[] begin = new long[rank];
        long[] end = new long[rank];
        for (int i = 0; i < ax.length; i++) {
            begin[ax[i]] = pads[i];
            end[ax[i]] = pads[i + ax.length];
        }
        int[] strides = IndexMap.strides(dims);
        int[] out = new int[rank];
        int[][] offsets = new int[rank][];
        for (int a = 0; a < rank; a++) {
            long size = dims[a] + begin[a] + end[a];
            if (size < 0 || size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " leave axis " + a + " of "
                        + Arrays.toString(dims) + " with " + size + " elements");
            }
            out[a] = (int) size;
            if ((begin[a] > 0 || end[a] > 0) && mode != Mode.CONSTANT && dims[a] == 0) {
                throw new IllegalArgumentException("cannot pad the empty axis " + a + " in mode " + mode);
            }
            offsets[a] = new int[out[a]];
            for (int c = 0; c < out[a]; c++) {
                long i = source(mode, c - begin[a], dims[a]);
                offsets[a][c] = i < 0 ? -1 : (int) i * strides[a];
            }
        }
        return new IndexMap.Moves(out, offsets);
    }

    /** The input coordinate an output coordinate {@code i} (relative to the input's start) reads, or -1. */
    private static long source(Mode mode, long i, int size) {
        if (i >= 0 && i < size) {
            return i;
        }
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> i < 0 ? 0 : size - 1;
            case REFLECT -> {
                if (size == 1) {
                    yield 0;
                }
                long period = 2L * (size - 1);
                long r = Math.floorMod(i, period);
                yield r < size ? r : period - r;
            }
        };
    }

    @Override
    public List<ValueType> outputs(Pad p, ShapeInputs in) {
        int[] dims = in.shape(0).dims();
        IndexMap.Moves m = p.legacy()
                ? moves(p.mode(), dims, p.padsAttribute(), null)
                : moves(p.mode(), dims, ShapeValues.required(in, 1, "pads"), ShapeValues.optional(in, 3, "axes"));
        return List.of(in.type(0).withShape(m.shape()));
    }

    @Override
    public FloatKernel floatKernel(Pad p, FloatContext ctx) {
        return (in, alloc) -> {
            int[] dims = in[0].shape().dims();
            if (p.legacy()) {
                return new Tensor[] {
                    moves(p.mode(), dims, p.padsAttribute(), null).apply(in[0], p.value())
                };
            }
            float fill = in.length > 2 && in[2] != null && in[2].data().length > 0 ? in[2].data()[0] : 0f;
            return new Tensor[] {
                moves(p.mode(), dims, in[1].longs(), ShapeValues.optional(in, 3))
                        .apply(in[0], fill)
            };
        };
    }

    private static IndexMap.Moves moves(Pad p, DTensor[] in) {
        int[] dims = in[0].dims();
        if (p.legacy()) {
            return moves(p.mode(), dims, p.padsAttribute(), null);
        }
        long[] axes = in.length > 3 && in[3] != null ? LayoutOps.longs(in[3]) : null;
        return moves(p.mode(), dims, LayoutOps.longs(in[1]), axes);
    }

    @Override
    public TrainingForward forward(Pad p, Node node, DTensor[] in, boolean training) {
        double fill = p.value();
        if (!p.legacy() && in.length > 2 && in[2] != null && in[2].size() > 0) {
            fill = in[2].data()[0];
        }
        return TrainingForward.of(LayoutOps.move(moves(p, in), in[0], fill));
    }

    @Override
    public DTensor[] backward(Pad p, Gradients g) {
        return new DTensor[] {LayoutOps.moveBackward(moves(p, g.in()), g.dy(), g.in()[0].dims())};
    }
}
