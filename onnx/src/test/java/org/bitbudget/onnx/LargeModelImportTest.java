package org.bitbudget.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.testsupport.LargeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model of over 50 MB, its weights in initializers and Constant nodes, in raw_data and in the
 * typed fields, imports with every weight value exact. How long it takes is measured by the
 * benchmarks module's {@code ImportBenchmark}, not here.
 */
class LargeModelImportTest {
    @Test
    void importsEveryWeightExactlyWhereverTheFileStoresIt(@TempDir Path dir) throws Exception {
        LargeModel model = LargeModel.build(1);
        assertTrue(model.bytes().length > 50_000_000, model.bytes().length + " bytes");
        Path file = dir.resolve("large.onnx");
        Files.write(file, model.bytes());

        Graph g = OnnxImporter.load(file);

        assertEquals(
                List.of("Conv", "Relu", "Flatten", "Gemm", "Relu", "MatMul", "Relu", "Gemm"),
                g.nodes().stream().map(n -> n.op().type()).toList());
        assertEquals(LargeModel.LAYERS, g.layers().stream().map(Layer::name).toList());
        for (int l = 0; l < LargeModel.LAYERS.size(); l++) {
            Layer layer = g.layers().get(l);
            assertArrayEquals(
                    LargeModel.WEIGHT_SHAPES.get(l), layer.weightShape().dims(), layer.name());
            assertArrayEquals(
                    model.weights().get(layer.name()),
                    g.initializers().get(layer.weightName()).data(),
                    layer.name());
        }
        assertEquals(
                List.of("conv.bias", "fc1.bias", "", "fc2.bias"),
                g.layers().stream()
                        .map(l -> l.biasName() == null ? "" : l.biasName())
                        .toList());
        assertEquals(
                256L * 256 * 9 + 256 + 2048L * 4096 + 2048 + 2048L * 2048 + 1000L * 2048 + 1000,
                g.layers().stream().mapToLong(Layer::params).sum());
        assertEquals(List.of("x"), g.inputs().stream().map(v -> v.name()).toList());
        assertEquals("fc2:0", g.nodes().getLast().outputs().getFirst());
        assertTrue(g.nodes().stream().map(Node::name).noneMatch(n -> n.startsWith("Constant")));
    }
}
