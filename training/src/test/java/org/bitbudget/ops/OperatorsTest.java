package org.bitbudget.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.quant.IntegerFormat;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.ops.compute.FloatKernel;
import org.bitbudget.ops.gradients.DTensor;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.training.Autodiff;
import org.junit.jupiter.api.Test;

/** The registry finds each operator's descriptor by ONNX type and by IR record, and only there. */
class OperatorsTest {
    private static final List<String> DOCUMENTED = List.of(
            "Conv",
            "Gemm",
            "MatMul",
            "Add",
            "Sub",
            "Mul",
            "Div",
            "BatchNormalization",
            "Relu",
            "Clip",
            "Sigmoid",
            "MaxPool",
            "AveragePool",
            "GlobalAveragePool",
            "Flatten",
            "Reshape",
            "Concat",
            "Identity",
            "Softmax",
            "Round",
            "ReduceMean",
            "ReduceSum",
            "ReduceMax",
            "ReduceMin",
            "LayerNormalization",
            "LogSoftmax",
            "HardSigmoid",
            "HardSwish",
            "LeakyRelu",
            "PRelu",
            "Elu",
            "Tanh",
            "Erf",
            "Gelu",
            "Exp",
            "Log",
            "Pow",
            "Sqrt",
            "Reciprocal",
            "Neg",
            "Abs",
            "Min",
            "Max",
            "Where",
            "Equal",
            "Less",
            "Greater",
            "LessOrEqual",
            "GreaterOrEqual",
            "Not",
            "Transpose",
            "Squeeze",
            "Unsqueeze",
            "Gather",
            "Slice",
            "Split",
            "Pad",
            "Expand",
            "Tile",
            "ConstantOfShape",
            "Shape",
            "Size",
            "Cast",
            "Range",
            "Resize",
            "Upsample",
            "ConvTranspose",
            "NegativeLogLikelihoodLoss",
            "SoftmaxCrossEntropyLoss",
            "GatherElements",
            "ScatterElements",
            "Scatter",
            "GatherND",
            "ScatterND",
            "Trilu",
            "ArgMax",
            "ArgMin",
            "Hardmax",
            "CumSum",
            "OneHot",
            "TopK",
            "NonZero",
            "Einsum");

    @Test
    void theDefaultDomainOperatorsAreTheDocumentedOnesInTheirOrder() {
        assertEquals(DOCUMENTED, Operators.onnxTypes());
        for (String type : DOCUMENTED) {
            OperatorDescriptor<?> d = Operators.forOnnx("", type);
            assertEquals(type, d.type());
            assertSame(d, Operators.forOnnx("ai.onnx", type));
        }
    }

    @Test
    void everyRecordFindsTheDescriptorOfItsType() {
        assertEquals("Relu", Operators.of(new Op.Unary(Op.Unary.Kind.RELU)).type());
        assertEquals(
                "Identity", Operators.of(new Op.Unary(Op.Unary.Kind.IDENTITY)).type());
        assertEquals("Div", Operators.of(new Op.Binary(Op.Binary.Kind.DIV, -1)).type());
        assertEquals(
                "AveragePool",
                Operators.of(new Op.Pool(
                                Op.Pool.Kind.AVERAGE,
                                new int[] {2},
                                null,
                                null,
                                null,
                                false,
                                false,
                                Op.AutoPad.NOTSET,
                                0))
                        .type());
        assertEquals(
                "GlobalAveragePool", Operators.of(new Op.GlobalAveragePool()).type());
    }

    @Test
    void fakeQuantizeIsBitBudgetsOwnAndNeverReadFromOnnx() {
        Op.FakeQuantize q = new Op.FakeQuantize(IntegerFormat.symmetric(8), 0.1f, 0f);
        assertEquals(OnnxMapping.BITBUDGET_DOMAIN, Operators.of(q).domain());
        assertNull(Operators.forOnnx("", "FakeQuantize"));
        assertSame(Operators.of(q), Operators.forOnnx(OnnxMapping.BITBUDGET_DOMAIN, "FakeQuantize"));
        ModelBuilder b = new ModelBuilder("fq", 1);
        b.output(b.node("FakeQuantize", "fq", List.of(b.input("x", 4))));
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> OnnxImporter.parse(b.bytes(), "fq.onnx"));
        assertEquals("FakeQuantize", e.feature());
    }

    @Test
    void anUnsupportedOperatorIsRefusedWithTheRegistrysList() {
        ModelBuilder b = new ModelBuilder("celu", 1);
        b.output(b.node("Celu", "/act/Celu", List.of(b.input("x", 4))));
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> OnnxImporter.parse(b.bytes(), "celu.onnx"));
        assertEquals(
                "celu.onnx: node /act/Celu: operator Celu is not supported (supported: Conv, Gemm, MatMul, "
                        + "Add, Sub, Mul, Div, BatchNormalization, Relu, Clip, Sigmoid, MaxPool, AveragePool, "
                        + "GlobalAveragePool, Flatten, Reshape, Concat, Identity, Constant, Softmax, Round, "
                        + "ReduceMean, ReduceSum, ReduceMax, ReduceMin, LayerNormalization, LogSoftmax, "
                        + "HardSigmoid, HardSwish, LeakyRelu, PRelu, Elu, Tanh, Erf, Gelu, Exp, Log, Pow, Sqrt, "
                        + "Reciprocal, Neg, Abs, Min, Max, Where, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, "
                        + "Not, "
                        + "Transpose, Squeeze, Unsqueeze, Gather, Slice, Split, Pad, Expand, Tile, ConstantOfShape, Shape, Size, Cast, Range, "
                        + "Resize, Upsample, ConvTranspose, "
                        + "NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss, GatherElements, ScatterElements, Scatter, GatherND, ScatterND, Trilu, "
                        + "ArgMax, ArgMin, Hardmax, CumSum, OneHot, TopK, NonZero, Einsum)",
                e.getMessage());
        assertEquals("Celu", e.feature());
    }

    @Test
    void theDefaultsDescribeAnOperatorThatIsNotTrainedAndRunsInFloat() {
        OperatorDescriptor<Op.Unary> sigmoid = Operators.of(new Op.Unary(Op.Unary.Kind.SIGMOID));
        Op.Unary op = new Op.Unary(Op.Unary.Kind.SIGMOID);
        Node node = new Node("s", op, List.of("x"), List.of("y"));
        assertEquals(Arity.exactly(1), sigmoid.arity(op));
        assertSame(IntegerLowering.RUNS_IN_FLOAT, sigmoid.integerLowering(op, node, Map.of()));
        assertEquals(List.of(true, false), List.of(sigmoid.differentiable(op, 0), sigmoid.differentiable(op, 1)));
        OperatorDescriptor<Op.Unary> untrained = new OperatorDescriptor<>() {
            @Override
            public String type() {
                return "Sigmoid";
            }

            @Override
            public Op.Unary read(OnnxNode n) {
                return op;
            }

            @Override
            public List<ValueType> outputs(Op.Unary o, ShapeInputs in) {
                return List.of(in.type(0));
            }

            @Override
            public FloatKernel floatKernel(Op.Unary o, FloatContext ctx) {
                return (in, alloc) -> in;
            }
        };
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> untrained.forward(op, node, new DTensor[0], true));
        assertEquals("Sigmoid is not trainable", e.getMessage());
    }

    @Test
    void theTrainingPassAsksTheDescriptorsWhichInputsGetGradients() {
        ModelBuilder b = new ModelBuilder("clip", 1);
        String x = b.input("x", 3);
        String y = b.node("Clip", "clip", List.of(x, b.scalar("lo", -1f), b.scalar("hi", 1f)));
        b.output(y);
        Graph g = OnnxImporter.parse(b.bytes(), "clip.onnx");
        var ad = new Autodiff(g);
        var tape = ad.forward(Map.of("x", DTensor.of(new int[] {1, 3}, new double[] {-2, 0.5, 2})), Map.of(), false);
        var grads = ad.backward(tape, Map.of(y, DTensor.of(new int[] {1, 3}, new double[] {1, 1, 1})));
        assertEquals(List.of("x"), List.copyOf(grads.keySet()), "Clip's bounds are constants, not parameters");
        assertEquals(
                List.of(0.0, 1.0, 0.0),
                Arrays.stream(grads.get("x").data()).boxed().toList());
    }
}
