package org.bitbudget.ops;

import org.bitbudget.ops.gradients.DTensor;

/**
 * What a node's forward pass in double produced.
 *
 * @param outputs the outputs in order
 * @param saved   what its backward rule needs beyond the inputs and the first output, or null
 */
public record TrainingForward(DTensor[] outputs, Object saved) {
    /** One output and nothing saved. */
    public static TrainingForward of(DTensor output) {
        return new TrainingForward(new DTensor[] {output}, null);
    }
}
