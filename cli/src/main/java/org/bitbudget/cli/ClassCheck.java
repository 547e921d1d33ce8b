package org.bitbudget.cli;

import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ops.ShapeInference;

/**
 * Labels against a model's classes, checked before any work: a label the model has no output for (labels of
 * 10 classes against a 5-class model, a label 99) would be scored as a miss without a word.
 */
final class ClassCheck {
    private ClassCheck() {}

    /**
     * Refuses {@code data} when one of its labels is not a class of {@code graph}'s first output ([N, classes]);
     * the error names {@code model} (the model's file or option) and {@code spec} (the data as given).
     */
    static void labelsFit(Graph graph, String model, DataSource data, String spec) {
        if (!data.labelled()) {
            return;
        }
        Shape out;
        try {
            Map<String, Shape> shapes = ShapeInference.shapes(graph, 1);
            out = shapes.get(graph.outputs().getFirst().name());
        } catch (RuntimeException e) {
            // Shapes that do not fit are the command's error to report, with its context.
            return;
        }
        if (out == null || out.rank() != 2) {
            return;
        }
        int classes = out.dim(1);
        int[] labels = data.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                throw new UserInputException(
                        model,
                        "scores " + classes + " classes, but sample " + i + " of " + spec + " has label " + labels[i]
                                + "; give data labelled 0.." + (classes - 1) + " or a model with more classes");
            }
        }
    }
}
