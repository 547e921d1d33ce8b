package org.bitbudget.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.Tensor;

/** Compares {@link ShapeInference} with the values the float engine actually computes. */
public final class EngineShapes {
    private EngineShapes() {}

    /**
     * Asserts that {@code inferred} holds exactly the values the engine computes on {@code inputs}
     * (initializers, inputs and every named node output), each with the engine's element type and shape.
     */
    public static void assertMatch(Graph graph, Map<String, Tensor> inputs, Map<String, ValueType> inferred) {
        Set<String> names = new LinkedHashSet<>(graph.initializers().keySet());
        graph.inputs().stream().map(ValueInfo::name).forEach(names::add);
        for (Node node : graph.nodes()) {
            node.outputs().stream().filter(o -> !o.isEmpty()).forEach(names::add);
        }
        assertEquals(List.copyOf(names), new ArrayList<>(inferred.keySet()), graph.name() + ": the values inferred");
        Map<String, Tensor> actual =
                FloatEngine.builder(graph).threads(1).build().capture(inputs, names);
        for (String name : names) {
            Tensor t = actual.get(name);
            assertEquals(new ValueType(t.type(), t.shape()), inferred.get(name), graph.name() + ": value " + name);
        }
    }
}
