package org.bitbudget.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.Set;

/**
 * Short names for the tensors an exporter adds ({@code w3}, {@code x3.s}): a name the model already uses
 * gets a numbered suffix, so a generated tensor never shadows one of the model's.
 */
final class GeneratedNames {
    private final Set<String> used = new HashSet<>();

    GeneratedNames(GraphProto.Builder graph) {
        graph.getInitializerList().stream().map(TensorProto::getName).forEach(used::add);
        graph.getInputList().stream().map(ValueInfoProto::getName).forEach(used::add);
        graph.getOutputList().stream().map(ValueInfoProto::getName).forEach(used::add);
        graph.getValueInfoList().stream().map(ValueInfoProto::getName).forEach(used::add);
        for (NodeProto n : graph.getNodeList()) {
            used.addAll(n.getInputList());
            used.addAll(n.getOutputList());
        }
    }

    /** {@code wanted}, or {@code wanted_N} with the smallest N that is free; the name is taken from now on. */
    String fresh(String wanted) {
        String name = wanted;
        for (int n = 1; !used.add(name); n++) {
            name = wanted + "_" + n;
        }
        return name;
    }
}
