package org.bitbudget.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.testsupport.ExportedModels;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/** The coupling groups found on the bundled ResNet-8, the PyTorch exports and a hand-built attention block. */
class CouplingGroupsTest {
    @Test
    void resnet8CouplesEachResidualJoinWithTheLayersReadingItsInput() {
        Graph g = OnnxImporter.load(Path.of("../models/resnet8-fashion-mnist.onnx"));
        CouplingGroups groups = CouplingGroups.of(g);
        assertEquals(
                List.of(
                        new CouplingGroups.Group(
                                List.of("/stem/Conv", "/stage1/conv2/Conv"), List.of("Add '/stage1/Add'")),
                        new CouplingGroups.Group(
                                List.of("/stage2/conv1/Conv", "/stage2/conv2/Conv", "/stage2/shortcut/Conv"),
                                List.of("Add '/stage2/Add'", "shared input '/stage1/Add_output_0'")),
                        new CouplingGroups.Group(
                                List.of("/stage3/conv1/Conv", "/stage3/conv2/Conv", "/stage3/shortcut/Conv"),
                                List.of("Add '/stage3/Add'", "shared input '/stage2/Add_output_0'"))),
                groups.groups());
        assertNull(groups.groupOf("/fc/Gemm"));
        assertNull(groups.groupOf("/stage1/conv1/Conv"));
    }

    @Test
    void vitCouplesThePatchEmbeddingWithTheFirstResidualProjection() {
        Graph g = OnnxImporter.load(ExportedModels.model(ExportedModels.VIT));
        // q, k and v are one fused MatMul in this export; the other residual joins add a projection to
        // the output of an earlier join, which no layer produces.
        assertEquals(
                List.of(new CouplingGroups.Group(
                        List.of("/embed/Conv", "/blocks/blocks.0/proj/MatMul"), List.of("Add '/blocks/blocks.0/Add'"))),
                CouplingGroups.of(g).groups());
    }

    @Test
    void mobileNetV3CouplesTheProjectionsOfItsOneResidualBlock() {
        Graph g = OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        assertEquals(
                List.of(new CouplingGroups.Group(
                        List.of("/blocks/blocks.1/project/Conv", "/blocks/blocks.2/project/Conv"),
                        List.of("Add '/blocks/blocks.2/Add'"))),
                CouplingGroups.of(g).groups());
    }

    /**
     * Separate q, k and v projections read one LayerNorm output; their biases are exported Adds with a
     * constant, and a Concat joins k and v after a Reshape: one group with all three reasons.
     */
    @Test
    void separateQkvProjectionsAndAConcatFormOneGroup() {
        ModelBuilder m = new ModelBuilder("qkv", 1);
        String x = m.input("x", 1, 4, 8);
        String[] proj = new String[3];
        String[] names = {"q", "k", "v"};
        for (int i = 0; i < 3; i++) {
            String mm = m.node("MatMul", names[i], List.of(x, m.weight(names[i] + "_w", 8, 8)));
            proj[i] = m.node("Add", names[i] + "_bias", List.of(mm, m.weight(names[i] + "_b", 8)));
        }
        String kFlat = m.node("Relu", "k_relu", List.of(proj[1]));
        String cat = m.node("Concat", "kv", List.of(kFlat, proj[2]), ModelBuilder.i("axis", 2));
        String out = m.node("MatMul", "out", List.of(cat, m.weight("out_w", 16, 8)));
        String sum = m.node("Add", "residual", List.of(out, proj[0]));
        m.output(sum);
        Graph g = OnnxImporter.parse(m.bytes(), "qkv.onnx");
        assertEquals(
                List.of(new CouplingGroups.Group(
                        List.of("q", "k", "v", "out"), List.of("Concat 'kv'", "Add 'residual'", "shared input 'x'"))),
                CouplingGroups.of(g).groups());
    }
}
