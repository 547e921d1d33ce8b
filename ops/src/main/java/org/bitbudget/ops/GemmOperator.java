package org.bitbudget.ops;

import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Linear;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.LinearOps;

/** ONNX Gemm, {@code Y = alpha * A' * B' + beta * C}; a quantizable layer when B is constant. */
final class GemmOperator implements OperatorDescriptor<Op.Gemm> {
    @Override
    public String type() {
        return "Gemm";
    }

    @Override
    public Op.Gemm read(OnnxNode n) {
        // Before opset 7, broadcast=1 allowed C to broadcast, which every later opset does by default.
        n.getInt("broadcast", 0);
        return new Op.Gemm(
                n.getFloat("alpha", 1f),
                n.getFloat("beta", 1f),
                n.getInt("transA", 0) != 0,
                n.getInt("transB", 0) != 0);
    }

    @Override
    public Arity arity(Op.Gemm op) {
        return Arity.between(2, 3);
    }

    @Override
    public void write(Op.Gemm g, Node node, AttributeWriter out) {
        out.real("alpha", g.alpha());
        out.real("beta", g.beta());
        out.integer("transA", g.transA() ? 1 : 0);
        out.integer("transB", g.transB() ? 1 : 0);
    }

    @Override
    public List<ValueType> outputs(Op.Gemm op, ShapeInputs in) {
        Shape as = in.shape(0);
        Shape bs = in.shape(1);
        if (as.rank() != 2 || bs.rank() != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D inputs, got " + as + " and " + bs);
        }
        int m = op.transA() ? as.dim(1) : as.dim(0);
        int k = op.transA() ? as.dim(0) : as.dim(1);
        int kb = op.transB() ? bs.dim(1) : bs.dim(0);
        int n = op.transB() ? bs.dim(0) : bs.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ: A " + as + (op.transA() ? " (transposed)" : "")
                    + " and B " + bs + (op.transB() ? " (transposed)" : ""));
        }
        // The kernel reads C only when beta is not zero.
        if (in.present(2) && op.beta() != 0f) {
            Shape cs = in.shape(2);
            int rows = cs.rank() == 2 ? cs.dim(0) : 1;
            int cols = cs.rank() >= 1 ? cs.dim(-1) : 1;
            if (cs.rank() > 2 || (rows != 1 && rows != m) || (cols != 1 && cols != n)) {
                throw new IllegalArgumentException("C " + cs + " does not broadcast to [" + m + ", " + n + "]");
            }
        }
        return List.of(ValueType.floats(Shape.of(m, n)));
    }

    @Override
    public FloatKernel floatKernel(Op.Gemm g, FloatContext ctx) {
        Tensor b = ctx.constants().get(ctx.node().input(1));
        float[] bKN = b != null && g.transB() && b.shape().rank() == 2
                ? Linear.transpose(b.data(), b.shape().dim(0), b.shape().dim(1))
                : null;
        Activation activation = ctx.activation();
        return (in, alloc) ->
                new Tensor[] {Linear.gemm(g, in[0], in[1], bKN, in.length > 2 ? in[2] : null, ctx.sgemm(), activation)};
    }

    @Override
    public boolean fusesActivation() {
        return true;
    }

    /** Each output value sums K products. */
    @Override
    public long macs(Op.Gemm op, Shape in, Shape out, Shape weight) {
        return (long) out.size() * (op.transB() ? weight.dim(1) : weight.dim(0));
    }

    @Override
    public boolean differentiable(Op.Gemm op, int i) {
        return i <= 2;
    }

    @Override
    public TrainingForward forward(Op.Gemm g, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(LinearOps.gemm(g, in[0], in[1], in.length > 2 ? in[2] : null));
    }

    @Override
    public DTensor[] backward(Op.Gemm g, Gradients d) {
        return LinearOps.gemmBackward(g, d.in()[0], d.in()[1], d.input(2), d.dy(), d.needs(0), d.needs(1), d.needs(2));
    }

    @Override
    public IntegerLowering integerLowering(Op.Gemm op, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.Layer();
    }
}
