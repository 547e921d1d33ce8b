package org.bitbudget.pipeline;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An accuracy target, the other way to ask for a config: instead of the most accuracy under a budget,
 * the cheapest config (on the first summed cost) whose score on the calibration images stays within
 * {@code maxDrop} of the float model's, or reaches {@code minScore} (AIMET AMP's allowed accuracy drop).
 * Exactly one of the two is a number, the other NaN. Scores are by the run's metric, which must be a
 * share of samples where larger is better (top1, top5, agreement; {@link Scoring} refuses others).
 *
 * @param maxDrop  the largest allowed drop from the float score, as a fraction (0.005 = 0.5 pp)
 * @param minScore the smallest allowed score, 0…1
 * @param text     the target as written, for reports
 */
public record AccuracyTarget(double maxDrop, double minScore, String text) {
    private static final Pattern DROP = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(pp|%)?");
    private static final Pattern FLOOR = Pattern.compile("accuracy\\s*>=\\s*(\\d+(?:\\.\\d+)?)\\s*(%)?");

    public AccuracyTarget {
        if (Double.isNaN(maxDrop) == Double.isNaN(minScore)) {
            throw new IllegalArgumentException("an accuracy target is a drop or a floor, not both");
        }
    }

    /**
     * A drop such as {@code 0.5pp} or {@code 0.5%} (percentage points) or {@code 0.005} (a fraction).
     *
     * @throws SettingException naming the text when it is not a drop between 0 and 1
     */
    public static AccuracyTarget maxDrop(String text) {
        Matcher m = DROP.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SettingException(Setting.MAX_DROP, "'" + text + "' is not a drop such as 0.5pp, 1% or 0.01");
        }
        double v = Double.parseDouble(m.group(1)) / (m.group(2) == null ? 1 : 100);
        if (v >= 1) {
            throw new SettingException(Setting.MAX_DROP, "'" + text + "' is not below 100 pp");
        }
        return new AccuracyTarget(v, Double.NaN, "max drop " + text.strip());
    }

    /** Whether {@code expression} is a floor such as {@code accuracy >= 0.90} rather than a cost budget. */
    public static boolean isFloor(String expression) {
        return expression.strip().toLowerCase(Locale.ROOT).startsWith("accuracy");
    }

    /**
     * A floor, {@code accuracy >= 0.90} or {@code accuracy >= 90%}.
     *
     * @throws SettingException naming the budget when it is not such a floor
     */
    public static AccuracyTarget floor(String expression) {
        Matcher m = FLOOR.matcher(expression.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SettingException(
                    Setting.BUDGET,
                    "'" + expression + "'",
                    "an accuracy target is written 'accuracy >= 0.90' or 'accuracy >= 90%'");
        }
        double v = Double.parseDouble(m.group(1)) / (m.group(2) == null ? 1 : 100);
        if (v > 1) {
            throw new SettingException(Setting.BUDGET, "'" + expression + "'", "an accuracy is at most 1 (100%)");
        }
        return new AccuracyTarget(Double.NaN, v, expression.strip());
    }

    /** The least score that meets the target, given the float model's score on the same images. */
    public double required(double floatScore) {
        return Double.isNaN(minScore) ? floatScore - maxDrop : minScore;
    }

    /** Whether {@code score} meets the target (ties count, to a rounding error). */
    public boolean met(double score, double floatScore) {
        return score >= required(floatScore) - 1e-12;
    }
}
