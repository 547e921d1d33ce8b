package org.bitbudget.ir.graph;

import java.util.List;

/**
 * One operator application. Inputs and outputs are value names; an empty input name is an omitted
 * optional input.
 */
public record Node(String name, Op op, List<String> inputs, List<String> outputs) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Input {@code i}, or the empty string when it is absent. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    @Override
    public String toString() {
        return op.type() + " " + name;
    }
}
