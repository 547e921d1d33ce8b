package org.bitbudget.ir.quant;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which values share a scale: the whole tensor, each output channel, or each run of
 * {@code vectorSize} consecutive values along the reduction dimension of a channel (VS-Quant: an
 * integer per-vector scale of {@link #VECTOR_SCALE_BITS} bits times a float per-channel scale).
 *
 * @param kind       the sharing
 * @param vectorSize values per vector for {@link Kind#PER_VECTOR}, else 0
 */
public record Granularity(Kind kind, int vectorSize) {
    /** Bits of each per-vector integer scale. */
    public static final int VECTOR_SCALE_BITS = 6;

    /** The three kinds of sharing. */
    public enum Kind {
        PER_TENSOR,
        PER_CHANNEL,
        PER_VECTOR
    }

    public static final Granularity PER_TENSOR = new Granularity(Kind.PER_TENSOR, 0);
    public static final Granularity PER_CHANNEL = new Granularity(Kind.PER_CHANNEL, 0);

    public Granularity {
        if ((kind == Kind.PER_VECTOR) != (vectorSize > 0)) {
            throw new IllegalArgumentException("a vector size belongs to per-vector granularity only");
        }
    }

    /** Per-vector granularity with vectors of {@code size} values. */
    public static Granularity perVector(int size) {
        return new Granularity(Kind.PER_VECTOR, size);
    }

    /** Parses {@code per-tensor}, {@code per-channel} or {@code per-vector(N)}. */
    public static Granularity parse(String text) {
        String t = text.trim();
        if (t.equals("per-tensor")) {
            return PER_TENSOR;
        }
        if (t.equals("per-channel")) {
            return PER_CHANNEL;
        }
        Matcher m = Pattern.compile("per-vector\\((\\d{1,6})\\)").matcher(t);
        if (m.matches() && Integer.parseInt(m.group(1)) > 0) {
            return perVector(Integer.parseInt(m.group(1)));
        }
        throw new IllegalArgumentException("'" + text + "' is not per-tensor, per-channel or per-vector(N)");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PER_TENSOR -> "per-tensor";
            case PER_CHANNEL -> "per-channel";
            case PER_VECTOR -> "per-vector(" + vectorSize + ")";
        };
    }
}
