package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.MersenneTwister;
import org.bitbudget.ops.gradients.DTensor;

/**
 * ONNX Dropout. In inference (the default) the output is the input and the optional mask is all
 * true. In training mode (input {@code training_mode} from opset 12, {@code is_test=0} before opset
 * 7) with a ratio r above 0, each element is kept with probability 1 − r and scaled by 1 / (1 − r);
 * the draws are NumPy's for the {@code seed} attribute ({@link MersenneTwister}), or for a fresh
 * seed when the node sets none. The ratio is an attribute before opset 12 and an optional input
 * from then on; the mask is bool from opset 10, of the input's type before, and marks the kept
 * elements in every opset (as the opset-12 reference does; before it the specification leaves the
 * mask's values open, and ONNX Runtime writes zeros there). The training pass runs the inference
 * form only.
 */
final class DropoutOperator implements OperatorDescriptor<DropoutOperator.Dropout> {
    private static final float DEFAULT_RATIO = 0.5f;

    /**
     * The checked attributes.
     *
     * @param ratio        the attribute ratio, or NaN when it comes as input 1 (opset 12 on)
     * @param training     {@code is_test=0} before opset 7; from opset 12 input 2 says it
     * @param seed         the {@code seed} attribute, or null for a fresh one per run
     * @param boolMask     whether the mask is bool (opset 10 on) rather than of the input's type
     */
    record Dropout(float ratio, boolean training, Long seed, boolean boolMask) implements Op {
        @Override
        public String type() {
            return "Dropout";
        }

        boolean inputs() {
            return Float.isNaN(ratio);
        }
    }

    @Override
    public String type() {
        return "Dropout";
    }

    @Override
    public Dropout read(OnnxNode n) {
        n.getInts("consumed_inputs", null);
        boolean training = n.opset() < 7 && n.getInt("is_test", 0) == 0;
        boolean inputs = n.opset() >= 12;
        float ratio = inputs ? Float.NaN : n.getFloat("ratio", DEFAULT_RATIO);
        Long seed = n.has("seed") ? (long) n.getInt("seed", 0) : null;
        return new Dropout(ratio, training, seed, n.opset() >= 10);
    }

    @Override
    public Arity arity(Dropout op) {
        return op.inputs() ? Arity.between(1, 3) : Arity.exactly(1);
    }

    @Override
    public void write(Dropout op, Node node, AttributeWriter out) {
        if (!op.inputs() || op.training()) {
            throw new IllegalArgumentException("node " + node.name() + ": this Dropout has no opset-13 form");
        }
        if (op.seed() != null) {
            out.integer("seed", op.seed());
        }
    }

    @Override
    public List<ValueType> outputs(Dropout op, ShapeInputs in) {
        if (in.present(2) && in.type(2).type() != DataType.BOOL) {
            throw new IllegalArgumentException(
                    "training_mode must be bool, got " + in.type(2).type());
        }
        ValueType x = in.type(0);
        return List.of(x, new ValueType(op.boolMask() ? DataType.BOOL : x.type(), x.shape()));
    }

    @Override
    public FloatKernel floatKernel(Dropout op, FloatContext ctx) {
        return (in, alloc) -> {
            Tensor x = in[0];
            double ratio = in.length > 1 && in[1] != null ? in[1].data()[0] : op.inputs() ? DEFAULT_RATIO : op.ratio();
            boolean training = in.length > 2 && in[2] != null ? in[2].data()[0] != 0 : op.training();
            if (ratio < 0 || ratio >= 1) {
                throw new IllegalArgumentException("Dropout ratio must be in [0, 1), got " + ratio);
            }
            float[] keep = new float[x.data().length];
            float[] y;
            if (!training || ratio == 0) {
                Arrays.fill(keep, 1f);
                y = x.data().clone();
            } else {
                MersenneTwister random = new MersenneTwister(
                        op.seed() != null
                                ? op.seed()
                                : ThreadLocalRandom.current().nextInt());
                float scale = (float) (1 / (1 - ratio));
                y = new float[keep.length];
                for (int i = 0; i < keep.length; i++) {
                    keep[i] = random.nextDouble() >= ratio ? 1f : 0f;
                    y[i] = x.type().cast(keep[i] * x.data()[i] * scale);
                }
            }
            DataType maskType = op.boolMask() ? DataType.BOOL : x.type();
            return new Tensor[] {Tensor.of(x.type(), x.shape(), y), Tensor.of(maskType, x.shape(), keep)};
        };
    }

    @Override
    public TrainingForward forward(Dropout op, Node node, DTensor[] in, boolean training) {
        boolean trainingMode = in.length > 2 && in[2] != null ? in[2].data()[0] != 0 : op.training();
        double ratio = in.length > 1 && in[1] != null ? in[1].data()[0] : op.inputs() ? DEFAULT_RATIO : op.ratio();
        if (trainingMode && ratio != 0) {
            throw new IllegalArgumentException(
                    "node " + node.name() + ": the training pass runs Dropout in inference mode only");
        }
        double[] keep = new double[in[0].size()];
        Arrays.fill(keep, 1);
        return new TrainingForward(new DTensor[] {in[0].copy(), DTensor.of(in[0].dims(), keep)}, null);
    }

    @Override
    public DTensor[] backward(Dropout op, Gradients g) {
        return new DTensor[] {g.dy()};
    }
}
