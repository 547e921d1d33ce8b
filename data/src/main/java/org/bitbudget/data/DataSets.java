package org.bitbudget.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.bitbudget.ir.UserInputException;

/**
 * The two sets of a run: the calibration set (activation ranges, sensitivity, a search's measured
 * fitness) and the evaluation set (the reported score), which never share a sample.
 *
 * @param calibration what calibration, sensitivity and search see
 * @param evaluation  what the reported score is measured on
 * @param origin      one line saying where each set comes from, for the command's output
 */
public record DataSets(DataSource calibration, DataSource evaluation, String origin) {
    /** The share of the samples that {@link #split} gives to calibration. */
    public static final double CALIBRATION_SHARE = 0.2;

    public DataSets {
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(origin, "origin");
    }

    /**
     * The sets for evaluation data {@code evaluation}: {@code calibration} when given; else {@code
     * otherSplit} (the train split of an idx source) when it holds other samples; else a {@link
     * #split seeded disjoint split} of {@code evaluation}.
     *
     * @param calibration the calibration data the user named, or null
     * @param otherSplit  the source's other split (what the source gives for the split not evaluated;
     *                    a source without splits gives the same samples), or null
     * @throws UserInputException naming the calibration data when they are the evaluation samples
     */
    public static DataSets choose(DataSource evaluation, DataSource calibration, DataSource otherSplit, long seed) {
        if (calibration != null) {
            if (sameSamples(calibration, evaluation)) {
                throw new UserInputException(
                        calibration.name(),
                        "calibration data are the evaluation data (" + evaluation.name() + "); a score measured "
                                + "on calibrated samples would be optimistic");
            }
            return new DataSets(
                    calibration, evaluation, "calibration " + calibration.name() + ", evaluation " + evaluation.name());
        }
        if (otherSplit != null && !sameSamples(otherSplit, evaluation)) {
            return new DataSets(
                    otherSplit, evaluation, "calibration " + otherSplit.name() + ", evaluation " + evaluation.name());
        }
        return split(evaluation, seed);
    }

    /**
     * A seeded disjoint split of {@code data}: a random {@link #CALIBRATION_SHARE} of its samples
     * (at least one) calibrates, the rest are evaluated; each side keeps the samples' order.
     *
     * @throws UserInputException naming the data when they have fewer than 2 samples
     */
    public static DataSets split(DataSource data, long seed) {
        int n = data.size();
        if (n < 2) {
            throw new UserInputException(data.name(), "has " + n + " samples; a disjoint calibration split needs 2");
        }
        int count = Math.max(1, (int) Math.round(n * CALIBRATION_SHARE));
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] calibration = Arrays.copyOf(order, count);
        int[] evaluation = Arrays.copyOfRange(order, count, n);
        Arrays.sort(calibration);
        Arrays.sort(evaluation);
        String share = Math.round(CALIBRATION_SHARE * 100) + "%";
        String step = String.format(Locale.ROOT, "seed %d split: ", seed);
        return new DataSets(
                new IndexedSamples(data, calibration, step + "calibration " + share),
                new IndexedSamples(data, evaluation, step + "evaluation rest"),
                String.format(
                        Locale.ROOT,
                        "calibration: a seeded (seed %d) random %s of %s (%d samples); evaluation: the other %d",
                        seed,
                        share,
                        data.name(),
                        count,
                        n - count));
    }

    /** True when both sources read the same samples: the same files with the same preprocessing. */
    public static boolean sameSamples(DataSource a, DataSource b) {
        DataProvenance pa = a.provenance();
        DataProvenance pb = b.provenance();
        return a.size() == b.size()
                && pa.files().equals(pb.files())
                && pa.preprocessing().equals(pb.preprocessing());
    }
}
