package org.bitbudget.onnx;

import java.util.List;
import org.bitbudget.ir.graph.Graph;

/**
 * What {@link OnnxImporter#survey} could read of a model: the supported part as a graph (nodes of
 * unsupported operators left out, so it does not run, but its layers are there), and every
 * unsupported operator at once.
 *
 * @param graph       the model without its unsupported nodes
 * @param unsupported each unsupported operator type once, in the order the model first uses them
 */
public record ImportSurvey(Graph graph, List<Unsupported> unsupported) {
    public ImportSurvey {
        unsupported = List.copyOf(unsupported);
    }

    /** Whether the whole model was read. */
    public boolean complete() {
        return unsupported.isEmpty();
    }

    /**
     * One unsupported operator type.
     *
     * @param opType    the operator type (with its domain when not the default one)
     * @param count     how many nodes use it
     * @param firstNode the name of the first node that does
     * @param reason    why the first node was refused (a missing operator, or an attribute value)
     */
    public record Unsupported(String opType, int count, String firstNode, String reason) {}
}
