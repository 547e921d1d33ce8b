package org.bitbudget.data;

import java.util.List;
import java.util.Objects;
import org.bitbudget.ir.UserInputException;

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

    /**
     * These options with the settings of {@code query} ({@code input-key=a,b&label-key=y&preprocess=P},
     * the part of a data spec after {@code ?}), where {@code P} is a preprocessing file or options.
     *
     * @throws UserInputException naming {@code origin} for an unknown setting
     */
    public ReadOptions withQuery(String query, String origin) {
        ReadOptions out = this;
        for (String part : query.split("&")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            out = switch (key) {
                case "input-key" -> out.withInputKeys(List.of(value.split(",")));
                case "label-key" -> out.withLabelKey(value);
                case "preprocess" -> out.withPreprocessing(Preprocessing.parse(value));
                default ->
                    throw new UserInputException(
                            origin, "unknown data setting '" + key + "' (known: input-key, label-key, preprocess)");
            };
        }
        return out;
    }

    /** These options with other image preprocessing. */
    public ReadOptions withPreprocessing(Preprocessing p) {
        return new ReadOptions(inputKeys, labelKey, labelKeyGiven, p);
    }
}
