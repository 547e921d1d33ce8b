package org.bitbudget.ops;

/**
 * The number of inputs an operator accepts: from {@code min} to {@code max} inclusive, optional ones
 * last; {@code max} is {@link Integer#MAX_VALUE} for a variadic operator.
 */
public record Arity(int min, int max) {
    /** Exactly {@code n} inputs. */
    public static Arity exactly(int n) {
        return new Arity(n, n);
    }

    /** From {@code min} to {@code max} inputs. */
    public static Arity between(int min, int max) {
        return new Arity(min, max);
    }

    /** At least {@code min} inputs. */
    public static Arity atLeast(int min) {
        return new Arity(min, Integer.MAX_VALUE);
    }

    /** Whether {@code count} inputs fit. */
    public boolean accepts(int count) {
        return count >= min && count <= max;
    }

    /** How an error message states the expected count, e.g. {@code 2 to 3} or {@code at least 1}. */
    public String describe() {
        return min == max ? Integer.toString(min) : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
    }
}
