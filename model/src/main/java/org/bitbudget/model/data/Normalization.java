package org.bitbudget.model.data;

/**
 * How 8-bit pixels become model inputs: {@code (x / 255 - mean) / std}.
 *
 * @param mean subtracted after scaling to [0, 1]
 * @param std  divided by after subtracting the mean; positive
 */
public record Normalization(float mean, float std) {
    /** Pixels scaled to [0, 1] and nothing else. */
    public static final Normalization NONE = new Normalization(0f, 1f);

    /** Metadata key under which a model stores its training normalisation, as {@code MEAN,STD}. */
    public static final String METADATA_KEY = "bitbudget.normalize";

    public Normalization {
        if (!(std > 0) || !Float.isFinite(mean) || !Float.isFinite(std)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and a positive std, got "
                    + mean + ", " + std);
        }
    }

    /**
     * Parses {@code MEAN,STD}.
     *
     * @throws IllegalArgumentException with a message fit for the user when the text is malformed
     */
    public static Normalization parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected MEAN,STD (for example 0.2860,0.3530), got '" + text + "'");
        }
        try {
            return new Normalization(Float.parseFloat(parts[0].trim()), Float.parseFloat(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected two numbers MEAN,STD, got '" + text + "'");
        }
    }

    /** The normalised value of one pixel. */
    public float apply(int pixel) {
        return (pixel / 255f - mean) / std;
    }

    @Override
    public String toString() {
        return mean + "," + std;
    }
}
