package org.bitbudget.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.BatchNormFolding;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.SharedModels;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shape inference gives every value the element type and shape the float engine computes for it, on
 * the reference models and every model of the zoo, at several batch sizes; and a graph whose shapes
 * do not fit fails with the engine's message.
 */
class ShapeInferenceTest {
    static Stream<Arguments> models() {
        Stream<Arguments> files = Stream.of(
                Arguments.of("lenet5", OnnxImporter.load(SharedModels.model("lenet5.onnx"))),
                Arguments.of(
                        "resnet8-fashion-mnist", OnnxImporter.load(Path.of("../models/resnet8-fashion-mnist.onnx"))),
                Arguments.of(
                        "lenet5-fashion-mnist", OnnxImporter.load(Path.of("../models/lenet5-fashion-mnist.onnx"))));
        Stream<Arguments> zoo = ModelZoo.ARCHITECTURES.stream().flatMap(arch -> {
            Graph withBn = ModelZoo.build(arch, true, 3);
            return Stream.of(
                    Arguments.of(arch, ModelZoo.build(arch, false, 3)),
                    Arguments.of(arch + " with BatchNorm", withBn),
                    Arguments.of(arch + " with BatchNorm folded", BatchNormFolding.fold(withBn)));
        });
        return Stream.concat(files, zoo);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyValueHasTheTypeAndShapeTheEngineComputes(String name, Graph graph) {
        for (int batch : new int[] {1, 3}) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            SplittableRandom random = new SplittableRandom(batch);
            for (ValueInfo v : graph.inputs()) {
                Shape s = v.shapeForBatch(batch);
                float[] data = new float[s.size()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) random.nextGaussian();
                }
                inputs.put(v.name(), Tensor.of(v.type(), s, data));
            }
            Map<String, ValueType> inferred = ShapeInference.infer(graph, batch);
            EngineShapes.assertMatch(graph, inputs, inferred);
            assertEquals(
                    FloatEngine.builder(graph).threads(1).build().valueShapes(batch),
                    ShapeInference.shapes(graph, batch),
                    name + ": shapes at batch " + batch);
        }
    }

    @Test
    void lenet5ShapesAreTheKnownOnes() {
        Map<String, ValueType> types = ShapeInference.infer(OnnxImporter.load(SharedModels.model("lenet5.onnx")), 4);
        assertEquals(ValueType.floats(Shape.of(4, 6, 28, 28)), types.get("/c1/Conv_output_0"));
        assertEquals(ValueType.floats(Shape.of(4, 120)), types.get("/f1/Gemm_output_0"));
    }

    @Test
    void aReshapeTargetComputedFromConstantsIsFolded() {
        ModelBuilder b = new ModelBuilder("computed-target", 1);
        String x = b.input("x", 2, 3, 4);
        String half = b.node("Div", "half", List.of(b.longs("target", 0, 48), b.longs("two", 1, 2)));
        String y = b.node("Reshape", "reshape", List.of(x, half));
        b.output(y);
        Graph g = OnnxImporter.parse(b.bytes(), "computed-target.onnx");
        ValueType out = ShapeInference.infer(g, 5).get(y);
        assertEquals(new ValueType(DataType.FLOAT, Shape.of(5, 24)), out);
    }

    @Test
    void aGraphWhoseShapesDoNotFitFailsAsTheEngineDoes() {
        ModelBuilder b = new ModelBuilder("mismatch", 1);
        String x = b.input("x", 10);
        String y = b.node("Gemm", "/f1/Gemm", List.of(x, b.weight("w", 12, 4)));
        b.output(y);
        Graph g = OnnxImporter.parse(b.bytes(), "mismatch.onnx");
        UserInputException engine = assertThrows(
                UserInputException.class,
                () -> FloatEngine.builder(g).threads(1).build().valueShapes(2));
        UserInputException inferred = assertThrows(UserInputException.class, () -> ShapeInference.infer(g, 2));
        assertEquals(engine.getMessage(), inferred.getMessage());
        assertEquals("node /f1/Gemm: Gemm: inner dimensions differ: A [2, 10] and B [12, 4]", inferred.getMessage());
    }

    @Test
    void aSymbolicDimensionOtherThanTheBatchIsRefused() {
        ModelBuilder b = new ModelBuilder("symbolic", 1);
        String x = b.input("x", 3);
        b.output(b.node("Relu", "relu", List.of(x)));
        Graph parsed = OnnxImporter.parse(b.bytes(), "symbolic.onnx");
        ValueInfo in = parsed.inputs().getFirst();
        ValueInfo twoSymbols = new ValueInfo(
                in.name(), in.type(), List.of(in.dims().getFirst(), in.dims().getFirst()));
        Graph g = new Graph(
                parsed.name(),
                parsed.opset(),
                List.of(twoSymbols),
                parsed.outputs(),
                parsed.initializers(),
                parsed.nodes(),
                parsed.metadata());
        UserInputException e = assertThrows(UserInputException.class, () -> ShapeInference.infer(g, 1));
        assertEquals(
                assertThrows(
                                UserInputException.class,
                                () -> FloatEngine.builder(g).threads(1).build().valueShapes(1))
                        .getMessage(),
                e.getMessage());
    }
}
