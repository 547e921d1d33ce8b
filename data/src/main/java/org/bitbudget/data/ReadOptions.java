package org.bitbudget.data;

import java.util.List;
import java.util.Objects;

/**
 * What a user may say about how data are read, beyond naming them: which arrays of a {@code .npz} are
 * the inputs and which the labels, and how an image folder's pictures become tensors. Formats ignore
 * what does not concern them.
 *
 * @param inputKeys     the {@code .npz} arrays fed to the model, one per model input, in input order
 * @param labelKey      the {@code .npz} array of class labels
 * @param labelKeyGiven true when the user named {@code labelKey}, so that its absence is an error rather
 *                      than unlabelled data
 * @param preprocessing how an image folder's pictures become tensors
 */
public record ReadOptions(List<String> inputKeys, String labelKey, boolean labelKeyGiven, Preprocessing preprocessing) {
    /** {@code x} and, when present, {@code y}; images as {@link Preprocessing#DEFAULT}. */
    public static final ReadOptions DEFAULT = new ReadOptions(List.of("x"), "y", false, Preprocessing.DEFAULT);

    public ReadOptions {
        inputKeys = List.copyOf(inputKeys);
        Objects.requireNonNull(labelKey, "labelKey");
        Objects.requireNonNull(preprocessing, "preprocessing");
        if (inputKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one input key");
        }
    }

    /** These options with other input keys. */
    public ReadOptions withInputKeys(List<String> keys) {
        return new ReadOptions(keys, labelKey, labelKeyGiven, preprocessing);
    }

    /** These options with the labels in array {@code key}, which must then exist. */
    public ReadOptions withLabelKey(String key) {
        return new ReadOptions(inputKeys, key, true, preprocessing);
    }

    /** These options with other image preprocessing. */
    public ReadOptions withPreprocessing(Preprocessing p) {
        return new ReadOptions(inputKeys, labelKey, labelKeyGiven, p);
    }
}
