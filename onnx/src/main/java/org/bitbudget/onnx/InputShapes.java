package org.bitbudget.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.ValueInfo;

/**
 * Binds the symbolic dimensions of a graph's inputs to sizes, for exports whose height, width or
 * sequence length is dynamic: the engine runs fixed shapes and leaves only the batch symbolic.
 *
 * <pre>{@code
 * Graph fixed = InputShapes.bind(graph, Map.of("x", new int[] {1, 3, 48, 192}));
 * }</pre>
 */
public final class InputShapes {
    private InputShapes() {}

    /**
     * The graph with each named input's dimensions set to the given sizes. A symbolic first dimension
     * stays symbolic (it is the batch, whatever size is given for it); a fixed dimension must match.
     * Subgraphs that the fixed sizes make constant are folded ({@link ConstantFolding}).
     *
     * @throws UserInputException naming the input when it does not exist or the sizes do not fit it
     */
    public static Graph bind(Graph graph, Map<String, int[]> shapes) {
        for (String name : shapes.keySet()) {
            if (graph.inputs().stream().noneMatch(v -> v.name().equals(name))) {
                throw new UserInputException(
                        "input '" + name + "'",
                        "the model has no such input (inputs: "
                                + graph.inputs().stream().map(ValueInfo::name).collect(Collectors.joining(", "))
                                + ")");
            }
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfo v : graph.inputs()) {
            int[] sizes = shapes.get(v.name());
            inputs.add(sizes == null ? v : bind(v, sizes));
        }
        // Fixed sizes can make Shape nodes constant: fold what they feed now.
        return ConstantFolding.fold(new Graph(
                graph.name(),
                graph.opset(),
                inputs,
                graph.outputs(),
                graph.initializers(),
                graph.nodes(),
                graph.metadata()));
    }

    /**
     * The first symbolic dimension of an input other than the batch (dimension 0), as its index, or
     * -1 when every other dimension is fixed.
     */
    public static int firstSymbolic(ValueInfo input) {
        for (int i = 1; i < input.dims().size(); i++) {
            if (input.dims().get(i).isSymbolic()) {
                return i;
            }
        }
        return -1;
    }

    private static ValueInfo bind(ValueInfo v, int[] sizes) {
        String where = "input '" + v.name() + "'";
        if (sizes.length != v.dims().size()) {
            throw new UserInputException(
                    where, "has " + v.dims().size() + " dimensions " + v.dims() + "; " + sizes.length + " given");
        }
        List<Dimension> dims = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            Dimension d = v.dims().get(i);
            if (sizes[i] <= 0) {
                throw new UserInputException(where, "dimension " + i + " must be positive, got " + sizes[i]);
            }
            if (!d.isSymbolic() && d.size() != sizes[i]) {
                throw new UserInputException(
                        where,
                        "dimension " + i + " is " + d.size() + "; " + Arrays.toString(sizes) + " does not fit "
                                + v.dims());
            }
            dims.add(d.isSymbolic() && i > 0 ? Dimension.of(sizes[i]) : d);
        }
        return new ValueInfo(v.name(), v.type(), dims);
    }
}
