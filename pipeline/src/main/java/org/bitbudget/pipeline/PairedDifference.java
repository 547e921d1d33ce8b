package org.bitbudget.pipeline;

/**
 * The mean of per-sample differences between two configs scored on the same samples, and its standard
 * error (the sample standard deviation of the differences over the square root of their count): how far
 * one config's score is above another's, and how much of that the choice of samples could explain.
 *
 * @param mean          mean of {@code a[i] - b[i]}
 * @param standardError its standard error (0 when there are fewer than two samples)
 * @param samples       how many samples
 */
public record PairedDifference(double mean, double standardError, int samples) {
    /**
     * The difference of {@code a} over {@code b}, sample by sample.
     *
     * @throws IllegalArgumentException when the two hold different numbers of samples
     */
    public static PairedDifference of(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " samples against " + b.length);
        }
        int n = a.length;
        if (n == 0) {
            return new PairedDifference(0, 0, 0);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += a[i] - b[i];
        }
        mean /= n;
        if (n < 2) {
            return new PairedDifference(mean, 0, n);
        }
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double d = a[i] - b[i] - mean;
            squares += d * d;
        }
        return new PairedDifference(mean, Math.sqrt(squares / (n - 1) / n), n);
    }

    /** Whether the mean is above {@code standardErrors} standard errors (strictly). */
    public boolean exceeds(double standardErrors) {
        return mean > standardErrors * standardError;
    }
}
