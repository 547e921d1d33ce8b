package org.bitbudget.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.HashMap;
import java.util.Map;

/**
 * The initializers an exporter adds to a graph, each constant stored once: adding a tensor whose
 * element type, shape and bytes equal an earlier one's returns the earlier name instead (the zero points
 * of every uint8 input at 0, the zero vectors of layers with as many channels, equal Clip bounds).
 */
final class GeneratedInitializers {
    private record Content(int type, java.util.List<Long> dims, com.google.protobuf.ByteString raw) {}

    private final GraphProto.Builder graph;
    private final Map<Content, String> names = new HashMap<>();

    GeneratedInitializers(GraphProto.Builder graph) {
        this.graph = graph;
    }

    /** The name of an initializer holding {@code tensor}'s content: {@code tensor}'s own if it is new. */
    String add(TensorProto tensor) {
        Content c = new Content(tensor.getDataType(), tensor.getDimsList(), tensor.getRawData());
        String existing = names.get(c);
        if (existing != null) {
            return existing;
        }
        graph.addInitializer(tensor);
        names.put(c, tensor.getName());
        return tensor.getName();
    }
}
