package org.bitbudget.ops;

import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;

/** How an operator type is read from an ONNX node and written back. */
public interface OnnxMapping<O extends Op> {
    /** The ONNX domain of BitBudget's own operators, which no ONNX file may use. */
    String BITBUDGET_DOMAIN = "org.bitbudget";

    /** The operator type, e.g. {@code Relu}: the key of the registry and {@link Op#type()} of what it reads. */
    String type();

    /** The operator's domain: {@code ""} (the default ONNX domain) unless the operator is BitBudget's own. */
    default String domain() {
        return "";
    }

    /**
     * Reads the node's attributes (with their defaults and the differences between opsets) into the
     * IR record, failing with {@link OnnxNode#error} or {@link OnnxNode#unsupported} on what BitBudget
     * cannot run. Attributes it does not read are refused afterwards.
     */
    O read(OnnxNode node);

    /** How many inputs a node of this operator may have (default: exactly one). */
    default Arity arity(O op) {
        return Arity.exactly(1);
    }

    /**
     * The lowest default-domain opset in which {@code node} can be written (default: 1): the opset that
     * introduced the operator, or the form of it the node uses. The exporter writes the highest of these,
     * the graph's own opset and 13.
     */
    default int minimumOpset(O op, Node node) {
        return 1;
    }

    /**
     * Writes the attributes of {@code op} for the exporter's opset, {@link AttributeWriter#opset()} (default:
     * none).
     *
     * @throws IllegalArgumentException naming the node when {@code op} has no form in that opset
     */
    default void write(O op, Node node, AttributeWriter out) {}
}
