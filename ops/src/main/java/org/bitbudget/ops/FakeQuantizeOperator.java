package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.ops.gradients.ElementwiseOps;

/**
 * BitBudget's own quantize-dequantize node, which precision configs insert before a layer. No ONNX
 * file contains it (its domain is BitBudget's), and the plain exporter refuses it: a quantized model
 * is written as a QuantizeLinear/DequantizeLinear chain by {@code FakeQuantizedExport}.
 */
final class FakeQuantizeOperator implements OperatorDescriptor<Op.FakeQuantize> {
    @Override
    public String type() {
        return "FakeQuantize";
    }

    @Override
    public String domain() {
        return BITBUDGET_DOMAIN;
    }

    @Override
    public Op.FakeQuantize read(OnnxNode n) {
        throw n.unsupported(type(), "FakeQuantize is BitBudget's own operator and is never read from ONNX");
    }

    @Override
    public void write(Op.FakeQuantize q, Node node, AttributeWriter out) {
        throw new IllegalArgumentException("node " + node.name()
                + ": FakeQuantize has no ONNX operator; write quantized models with FakeQuantizedExport");
    }

    @Override
    public List<ValueType> outputs(Op.FakeQuantize q, ShapeInputs in) {
        return List.of(in.type(0));
    }

    @Override
    public FloatKernel floatKernel(Op.FakeQuantize q, FloatContext ctx) {
        return (in, alloc) -> new Tensor[] {Elementwise.fakeQuantize(q, in[0])};
    }

    @Override
    public TrainingForward forward(Op.FakeQuantize q, Node node, DTensor[] in, boolean training) {
        return TrainingForward.of(ElementwiseOps.fakeQuantize(q, in[0]));
    }

    @Override
    public DTensor[] backward(Op.FakeQuantize q, Gradients g) {
        return new DTensor[] {ElementwiseOps.fakeQuantizeBackward(q, g.in()[0], g.dy())};
    }
}
