package org.bitbudget.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Convolution;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.sgemm.PackedSgemm;
import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.bitbudget.ops.gradients.ConvOps;
import org.bitbudget.ops.gradients.DTensor;

/** ONNX Conv over 1 or 2 spatial axes, grouped and depthwise included; a quantizable layer. */
final class ConvOperator implements OperatorDescriptor<Op.Conv> {
    @Override
    public String type() {
        return "Conv";
    }

    @Override
    public Op.Conv read(OnnxNode n) {
        int[] kernel = n.getInts("kernel_shape", null);
        Tensor weight = n.inputs().size() > 1 ? n.constant(1) : null;
        if (weight != null) {
            int spatial = weight.shape().rank() - 2;
            if (spatial < 1) {
                throw n.error("Conv weight '" + n.inputs().get(1) + "' has shape " + weight.shape()
                        + "; it needs [out, in/group, k...]");
            }
            int[] weightKernel = Arrays.copyOfRange(weight.shape().dims(), 2, spatial + 2);
            if (kernel != null && !Arrays.equals(kernel, weightKernel)) {
                throw n.error(
                        "kernel_shape " + Arrays.toString(kernel) + " does not match weight shape " + weight.shape());
            }
            kernel = kernel == null ? weightKernel : kernel;
        }
        if (kernel != null && kernel.length > 2) {
            throw n.unsupported("Conv", kernel.length + "-D convolution is not supported (1-D and 2-D are)");
        }
        int group = n.getInt("group", 1);
        if (group < 1) {
            throw n.error("group must be at least 1, got " + group);
        }
        int[] strides = n.getInts("strides", null);
        int[] dilations = n.getInts("dilations", null);
        int[] pads = n.getInts("pads", null);
        SpatialAttributes.check(n, kernel, strides, dilations, pads);
        return new Op.Conv(kernel, strides, pads, dilations, group, SpatialAttributes.autoPad(n));
    }

    @Override
    public Arity arity(Op.Conv op) {
        return Arity.between(2, 3);
    }

    @Override
    public void write(Op.Conv c, Node node, AttributeWriter out) {
        SpatialAttributes.write(out, c.kernel(), c.strides(), c.pads());
        out.ints("dilations", c.dilations());
        out.integer("group", c.group());
        if (c.autoPad() != Op.AutoPad.NOTSET) {
            out.text("auto_pad", c.autoPad().name());
        }
    }

    @Override
    public List<ValueType> outputs(Op.Conv conv, ShapeInputs in) {
        Shape xs = in.shape(0);
        Shape ws = in.shape(1);
        int spatialRank = xs.rank() - 2;
        if (spatialRank < 1 || spatialRank > 2) {
            throw new IllegalArgumentException("input " + xs + " must be [N, C, W] or [N, C, H, W]");
        }
        if (ws.rank() != xs.rank()) {
            throw new IllegalArgumentException("weight " + ws + " and input " + xs + " differ in rank");
        }
        int c = xs.dim(1);
        int m = ws.dim(0);
        int group = conv.group();
        int[] kernel = Arrays.copyOfRange(ws.dims(), 2, ws.rank());
        if (conv.kernel() != null && !Arrays.equals(conv.kernel(), kernel)) {
            throw new IllegalArgumentException(
                    "kernel_shape " + Arrays.toString(conv.kernel()) + " does not match weight " + ws);
        }
        if (c % group != 0 || m % group != 0 || ws.dim(1) * group != c) {
            throw new IllegalArgumentException(
                    "input has " + c + " channels and weight " + ws + ", which does not " + "fit group=" + group);
        }
        if (in.present(2) && in.shape(2).size() != m) {
            throw new IllegalArgumentException("bias " + in.shape(2) + " must have " + m + " values");
        }
        int[] spatial = Arrays.copyOfRange(xs.dims(), 2, xs.rank());
        Window win =
                Window.resolve(spatial, kernel, conv.strides(), conv.pads(), conv.dilations(), conv.autoPad(), false);
        return List.of(ValueType.floats(Windows.outputShape(xs.with(1, m), win)));
    }

    @Override
    public FloatKernel floatKernel(Op.Conv c, FloatContext ctx) {
        Activation activation = ctx.activation();
        PackedSgemm gemm = PackedSgemmFamily.get();
        // Constant weights (and bias) are packed for the kernel once, here; others in every call.
        List<String> names = ctx.node().inputs();
        Tensor weight = ctx.constants().get(names.get(1));
        boolean hasBias = names.size() > 2 && !names.get(2).isEmpty();
        Tensor bias = hasBias ? ctx.constants().get(names.get(2)) : null;
        boolean constant = weight != null && (!hasBias || bias != null);
        Convolution.PackedFilter packed =
                constant && !depthwiseCandidate(c, weight) ? Convolution.pack(gemm, weight, bias, c.group()) : null;
        boolean addsResidual = ctx.addsResidual();
        return (in, alloc) -> {
            Tensor b = hasBias && in.length > 2 ? in[2] : null;
            Tensor residual = addsResidual ? in[in.length - 1] : null;
            Convolution.PackedFilter ready = in[1] == weight && b == bias ? packed : null;
            return new Tensor[] {Convolution.forward(c, in[0], in[1], b, gemm, ready, residual, activation, alloc)};
        };
    }

    /** Whether the layer may run the direct depthwise kernel, which needs no packed weights. */
    private static boolean depthwiseCandidate(Op.Conv c, Tensor weight) {
        return weight.shape().dim(1) == 1;
    }

    @Override
    public boolean writesIntoAllocator() {
        return true;
    }

    @Override
    public boolean fusesActivation() {
        return true;
    }

    @Override
    public boolean fusesResidualAdd() {
        return true;
    }

    /** Each output value sums (C/group) x kernel products. */
    @Override
    public long macs(Op.Conv op, Shape in, Shape out, Shape weight) {
        return (long) out.size() * weight.size(1, weight.rank());
    }

    @Override
    public boolean differentiable(Op.Conv op, int i) {
        return i <= 2;
    }

    @Override
    public TrainingForward forward(Op.Conv c, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ConvOps.forward(c, in[0], in[1], in.length > 2 ? in[2] : null));
    }

    @Override
    public DTensor[] backward(Op.Conv c, Gradients g) {
        return ConvOps.backward(c, g.in()[0], g.in()[1], g.input(2), g.dy(), g.needs(0), g.needs(1), g.needs(2));
    }

    @Override
    public IntegerLowering integerLowering(Op.Conv op, Node node, Map<String, Tensor> constants) {
        return new IntegerLowering.Layer();
    }
}
