package org.bitbudget.ir.graph;

import java.util.List;
import java.util.stream.Collectors;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;

/** The declared name, element type and dimensions of a graph input or output. */
public record ValueInfo(String name, DataType type, List<Dimension> dims) {
    public ValueInfo {
        dims = List.copyOf(dims);
    }

    /**
     * The concrete shape when every symbolic dimension is the batch size; only the first dimension
     * may be symbolic.
     */
    public Shape shapeForBatch(int batch) {
        int[] d = new int[dims.size()];
        for (int i = 0; i < d.length; i++) {
            Dimension dim = dims.get(i);
            if (dim.isSymbolic() && i != 0) {
                throw new IllegalStateException("input '" + name + "' has symbolic dimension " + i + " ('"
                        + dim.symbol() + "'); only the batch dimension may be symbolic");
            }
            d[i] = dim.isSymbolic() ? batch : dim.size();
        }
        return Shape.of(d);
    }

    @Override
    public String toString() {
        return name + " " + type + dims.stream().map(Dimension::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
