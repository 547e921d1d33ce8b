package org.bitbudget.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Pooling;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.PoolOps;

/**
 * ONNX MaxPool and AveragePool over 1 or 2 spatial axes, one descriptor per kind. MaxPool's optional
 * second output holds the indices of the maxima; it runs on codes in the integer engine, average
 * pooling on accumulators.
 */
final class PoolOperator implements OperatorDescriptor<Op.Pool> {
    private final Op.Pool.Kind kind;

    PoolOperator(Op.Pool.Kind kind) {
        this.kind = kind;
    }

    @Override
    public String type() {
        return kind == Op.Pool.Kind.MAX ? "MaxPool" : "AveragePool";
    }

    @Override
    public Op.Pool read(OnnxNode n) {
        int[] kernel = n.getInts("kernel_shape", null);
        if (kernel == null) {
            throw n.error(n.type() + " needs a 'kernel_shape' attribute");
        }
        if (kernel.length > 2) {
            throw n.unsupported(n.type(), kernel.length + "-D pooling is not supported (1-D and 2-D are)");
        }
        if (kind == Op.Pool.Kind.AVERAGE && n.outputs().size() > 1) {
            throw n.error("AveragePool has one output, got " + n.outputs().size());
        }
        int[] strides = n.getInts("strides", null);
        int[] dilations = n.getInts("dilations", null);
        int[] pads = n.getInts("pads", null);
        SpatialAttributes.check(n, kernel, strides, dilations, pads);
        boolean ceil = n.getInt("ceil_mode", 0) != 0;
        boolean includePad = n.getInt("count_include_pad", 0) != 0;
        int storageOrder = n.getInt("storage_order", 0);
        return new Op.Pool(
                kind, kernel, strides, pads, dilations, ceil, includePad, SpatialAttributes.autoPad(n), storageOrder);
    }

    @Override
    public void write(Op.Pool p, Node node, AttributeWriter out) {
        SpatialAttributes.write(out, p.kernel(), p.strides(), p.pads());
        if (p.ceilMode()) {
            out.integer("ceil_mode", 1);
        }
        if (p.kind() == Op.Pool.Kind.AVERAGE && p.countIncludePad()) {
            out.integer("count_include_pad", 1);
        }
        if (p.kind() == Op.Pool.Kind.MAX) {
            out.ints("dilations", p.dilations());
        }
        if (p.autoPad() != Op.AutoPad.NOTSET) {
            out.text("auto_pad", p.autoPad().name());
        }
    }

    @Override
    public List<ValueType> outputs(Op.Pool pool, ShapeInputs in) {
        ValueType x = in.type(0);
        Shape xs = x.shape();
        if (xs.rank() - 2 != pool.kernel().length) {
            throw new IllegalArgumentException(
                    "input " + xs + " does not have " + pool.kernel().length + " spatial axes as kernel_shape says");
        }
        int[] spatial = Arrays.copyOfRange(xs.dims(), 2, xs.rank());
        Window w = Window.resolve(
                spatial, pool.kernel(), pool.strides(), pool.pads(), pool.dilations(), pool.autoPad(), pool.ceilMode());
        Shape out = Windows.outputShape(xs, w);
        List<ValueType> outputs = new ArrayList<>(List.of(x.withShape(out)));
        if (in.wantsOutput(1)) {
            outputs.add(new ValueType(DataType.INT64, out));
        }
        return outputs;
    }

    @Override
    public FloatKernel floatKernel(Op.Pool p, FloatContext ctx) {
        boolean withIndices = ctx.wantsOutput(1);
        return (in, alloc) -> Pooling.forward(p, in[0], withIndices, alloc);
    }

    @Override
    public boolean writesIntoAllocator() {
        return true;
    }

    @Override
    public TrainingForward forward(Op.Pool p, Node node, DTensor[] in, boolean training) {
        PoolOps.Pooled r = PoolOps.forward(
                p, in[0], node.outputs().size() > 1 && !node.outputs().get(1).isEmpty());
        return new TrainingForward(new DTensor[] {r.output(), r.indices()}, r.argmax());
    }

    @Override
    public DTensor[] backward(Op.Pool p, Gradients g) {
        return new DTensor[] {PoolOps.backward(p, g.in()[0], (int[]) g.saved(), g.dy())};
    }

    @Override
    public IntegerLowering integerLowering(Op.Pool p, Node node, Map<String, Tensor> constants) {
        return kind == Op.Pool.Kind.MAX ? new IntegerLowering.MaxPool(p) : new IntegerLowering.AveragePool(p);
    }
}
