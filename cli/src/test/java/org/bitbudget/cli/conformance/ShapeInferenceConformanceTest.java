package org.bitbudget.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.onnx.TensorProtos;
import org.bitbudget.ops.EngineShapes;
import org.bitbudget.ops.ShapeInference;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * On every ONNX backend test case the conformance runner passes, shape inference gives every value
 * the element type and shape the float engine computes for each of the case's input sets.
 */
class ShapeInferenceConformanceTest {
    private static final ConformanceRunner RUNNER = ConformanceRunner.standard();

    @TestFactory
    Stream<DynamicTest> shapeInferenceMatchesTheEngineOnEveryPassingCase() {
        List<Path> passing = OnnxBackendConformanceTest.supportedOpCases().stream()
                .filter(c -> RUNNER.run(c).status() == CaseResult.Status.PASSED)
                .toList();
        assertFalse(passing.isEmpty(), "no passing conformance case");
        return passing.stream()
                .map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> {
                    Graph graph = OnnxImporter.load(c.resolve("model.onnx"));
                    for (Path dataSet : dataSets(c)) {
                        Map<String, Tensor> inputs = new LinkedHashMap<>();
                        for (int i = 0; i < graph.inputs().size(); i++) {
                            Path f = dataSet.resolve("input_" + i + ".pb");
                            inputs.put(
                                    graph.inputs().get(i).name(),
                                    TensorProtos.toTensor(TensorProto.parseFrom(Files.readAllBytes(f)), f.toString()));
                        }
                        EngineShapes.assertMatch(graph, inputs, ShapeInference.infer(graph, inputs));
                    }
                }));
    }

    private static List<Path> dataSets(Path caseDir) throws IOException {
        try (Stream<Path> s = Files.list(caseDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("test_data_set_"))
                    .sorted()
                    .toList();
        }
    }
}
