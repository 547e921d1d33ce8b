package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX Squeeze (drops size-1 axes: the listed ones, or all) and Unsqueeze (inserts size-1 axes at the
 * listed positions of the output). Both only reshape; the axes are an attribute before opset 13 and the
 * optional (Unsqueeze: required) second input from opset 13 on.
 */
final class SqueezeOperator implements OperatorDescriptor<SqueezeOperator.Squeeze> {
    /** Which of the two. */
    enum Kind {
        SQUEEZE("Squeeze"),
        UNSQUEEZE("Unsqueeze");

        private final String onnxName;

        Kind(String onnxName) {
            this.onnxName = onnxName;
        }
    }

    /**
     * @param axesAttribute the axes of the attribute form (opset below 13), else null (read from input 1)
     * @param legacy        whether the node has the attribute form
     */
    record Squeeze(Kind kind, long[] axesAttribute, boolean legacy) implements Op {
        public String type() {
            return kind.onnxName;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Squeeze s
                    && kind == s.kind
                    && legacy == s.legacy
                    && Arrays.equals(axesAttribute, s.axesAttribute);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + Arrays.hashCode(axesAttribute);
        }

        @Override
        public String toString() {
            return kind.onnxName + "(axes=" + Arrays.toString(axesAttribute) + ")";
        }
    }

    private final Kind kind;

    SqueezeOperator(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String type() {
        return kind.onnxName;
    }

    @Override
    public Squeeze read(OnnxNode n) {
        if (n.opset() >= 13) {
            return new Squeeze(kind, null, false);
        }
        long[] axes = n.getLongs("axes", null);
        if (axes == null && kind == Kind.UNSQUEEZE) {
            throw n.error("Unsqueeze needs an 'axes' attribute");
        }
        return new Squeeze(kind, axes, true);
    }

    @Override
    public Arity arity(Squeeze s) {
        if (s.legacy()) {
            return Arity.exactly(1);
        }
        return kind == Kind.SQUEEZE ? Arity.between(1, 2) : Arity.exactly(2);
    }

    @Override
    public void write(Squeeze s, Node node, AttributeWriter out) {
        if (s.axesAttribute() != null) {
            throw new IllegalArgumentException("node " + node.name() + ": this " + kind.onnxName
                    + " has its axes as an attribute, which opset 13 lacks");
        }
    }

    /** The output dimensions for input dimensions {@code dims} and the given axes (null: every size-1 axis). */
    static int[] outputDims(Kind kind, int[] dims, long[] axes) {
        if (kind == Kind.UNSQUEEZE) {
            int rank = dims.length + axes.length;
            boolean[] inserted = new boolean[rank];
            for (int a : ShapeValues.axes(axes, rank)) {
                inserted[a] = true;
            }
            int[] out = new int[rank];
            for (int i = 0, j = 0; i < rank; i++) {
                out[i] = inserted[i] ? 1 : dims[j++];
            }
            return out;
        }
        boolean[] drop = new boolean[dims.length];
        if (axes == null) {
            for (int i = 0; i < dims.length; i++) {
                drop[i] = dims[i] == 1;
            }
        } else {
            for (int a : ShapeValues.axes(axes, dims.length)) {
                if (dims[a] != 1) {
                    throw new IllegalArgumentException(
                            "cannot squeeze axis " + a + " of " + Arrays.toString(dims) + ": its size is not 1");
                }
                drop[a] = true;
            }
        }
        int[] out = new int[dims.length];
        int n = 0;
        for (int i = 0; i < dims.length; i++) {
            if (!drop[i]) {
                out[n++] = dims[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public List<ValueType> outputs(Squeeze s, ShapeInputs in) {
        long[] axes = s.legacy() ? s.axesAttribute() : ShapeValues.optional(in, 1, "axes");
        return List.of(
                in.type(0).withShape(Shape.of(outputDims(kind, in.shape(0).dims(), axes))));
    }

    @Override
    public FloatKernel floatKernel(Squeeze s, FloatContext ctx) {
        return (in, alloc) -> {
            long[] axes = s.legacy() ? s.axesAttribute() : ShapeValues.optional(in, 1);
            return new Tensor[] {
                in[0].reshape(Shape.of(outputDims(kind, in[0].shape().dims(), axes)))
            };
        };
    }

    @Override
    public boolean sharesInputArray(Squeeze s) {
        return true;
    }

    @Override
    public TrainingForward forward(Squeeze s, Node node, DTensor[] in, boolean training) {
        long[] axes = s.axesAttribute();
        if (!s.legacy() && in.length > 1 && in[1] != null) {
            axes = org.bitbudget.ops.gradients.LayoutOps.longs(in[1]);
        }
        return TrainingForward.of(in[0].reshape(outputDims(kind, in[0].dims(), axes)));
    }

    @Override
    public DTensor[] backward(Squeeze s, Gradients g) {
        return new DTensor[] {g.dy().reshape(g.in()[0].dims())};
    }
}
