package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.NormalizationOps;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.NormOps;

/**
 * ONNX BatchNormalization over axis 1, in inference mode or (with {@code training_mode=1}) with batch
 * statistics and the updated running mean and variance as outputs 1 and 2.
 */
final class BatchNormalizationOperator implements OperatorDescriptor<Op.BatchNorm> {
    @Override
    public String type() {
        return "BatchNormalization";
    }

    @Override
    public Op.BatchNorm read(OnnxNode n) {
        float epsilon = n.getFloat("epsilon", 1e-5f);
        float momentum = n.getFloat("momentum", 0.9f);
        boolean training = n.getInt("training_mode", 0) != 0;
        if (n.getInt("spatial", 1) != 1) {
            throw n.unsupported("BatchNormalization", "BatchNormalization with spatial=0 is not supported");
        }
        if (n.opset() < 7) {
            n.getInt("is_test", 0);
            n.getString("consumed_inputs", null);
        }
        if (!training && n.outputs().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            throw n.error(
                    "BatchNormalization in inference mode has one output; training outputs need " + "training_mode=1");
        }
        return new Op.BatchNorm(epsilon, momentum, training);
    }

    @Override
    public Arity arity(Op.BatchNorm op) {
        return Arity.exactly(5);
    }

    @Override
    public void write(Op.BatchNorm bn, Node node, AttributeWriter out) {
        out.real("epsilon", bn.epsilon());
        out.real("momentum", bn.momentum());
    }

    @Override
    public List<ValueType> outputs(Op.BatchNorm op, ShapeInputs in) {
        Shape xs = in.shape(0);
        if (xs.rank() < 2) {
            throw new IllegalArgumentException("input " + xs + " has no channel axis");
        }
        int c = xs.dim(1);
        for (int i = 1; i <= 4; i++) {
            if (in.shape(i).size() != c) {
                throw new IllegalArgumentException("parameter " + in.shape(i) + " must have " + c + " values");
            }
        }
        return List.of(ValueType.floats(xs), ValueType.floats(in.shape(3)), ValueType.floats(in.shape(4)));
    }

    @Override
    public FloatKernel floatKernel(Op.BatchNorm bn, FloatContext ctx) {
        return (in, alloc) -> NormalizationOps.batchNorm(bn, in[0], in[1], in[2], in[3], in[4]);
    }

    @Override
    public boolean differentiable(Op.BatchNorm op, int i) {
        return i <= 2;
    }

    @Override
    public TrainingForward forward(Op.BatchNorm bn, Node node, DTensor[] in, boolean training) {
        NormOps.BatchNormResult r = NormOps.batchNorm(bn, in[0], in[1], in[2], in[3], in[4], training || bn.training());
        return new TrainingForward(new DTensor[] {r.y(), r.runningMean(), r.runningVar()}, r.state());
    }

    @Override
    public DTensor[] backward(Op.BatchNorm op, Gradients g) {
        return NormOps.batchNormBackward(
                g.in()[0], g.in()[1], (NormOps.BatchNormState) g.saved(), g.dy(), g.needs(0), g.needs(1), g.needs(2));
    }
}
