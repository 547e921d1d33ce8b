package org.bitbudget.training;

/** How the learning rate moves over training, as a function of progress t in [0, 1). */
public enum Schedule {
    /** The base rate throughout. */
    CONSTANT,
    /** Half a cosine from the base rate down to zero. */
    COSINE,
    /** Linear warm-up from a tenth of the base rate to the base rate over the first 30 %, then cosine to zero. */
    ONE_CYCLE;

    /** The rate at progress {@code t} for base rate {@code base}. */
    public double rate(double base, double t) {
        return switch (this) {
            case CONSTANT -> base;
            case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * t));
            case ONE_CYCLE ->
                t < 0.3 ? base * (0.1 + 0.9 * t / 0.3) : base * 0.5 * (1 + Math.cos(Math.PI * (t - 0.3) / 0.7));
        };
    }
}
