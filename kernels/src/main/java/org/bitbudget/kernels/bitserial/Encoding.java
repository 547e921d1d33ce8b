package org.bitbudget.kernels.bitserial;

/**
 * How a b-bit integer is spread over b bit planes. Every encoding writes a value x as
 * {@code x = sum over planes p of coefficient(p) * bit_p + offset()}, where each coefficient is
 * {@code ±2^shift(p)}; a dot product of two packed vectors therefore reduces to popcounts of ANDed
 * planes, scaled by powers of two, plus terms that depend on one operand only.
 */
public enum Encoding {
    /**
     * Two's complement of 2 to 4 bits, range [-2^(b-1), 2^(b-1) - 1]: the top plane has
     * coefficient -2^(b-1), plane p below it 2^p. Used for weights.
     */
    SIGNED,
    /**
     * Plain unsigned binary of 1 to 4 bits, range [0, 2^b - 1]: plane p has coefficient 2^p. Used
     * for activations; a zero point is not part of the encoding (see {@link BitPlanes#rowSum}).
     */
    UNSIGNED,
    /**
     * One bit meaning -1 (bit 0) or +1 (bit 1), i.e. x = 2 * bit - 1: coefficient 2, offset -1.
     * Two binary operands multiply by XNOR-popcount: dot = K - 2 * popcount(a XOR w).
     */
    BINARY;

    /** Smallest value a b-bit code of this encoding holds. */
    public int min(int bits) {
        return switch (this) {
            case SIGNED -> -(1 << (bits - 1));
            case UNSIGNED -> 0;
            case BINARY -> -1;
        };
    }

    /** Largest value a b-bit code of this encoding holds. */
    public int max(int bits) {
        return switch (this) {
            case SIGNED -> (1 << (bits - 1)) - 1;
            case UNSIGNED -> (1 << bits) - 1;
            case BINARY -> 1;
        };
    }

    /** Whether this encoding can use {@code bits} planes. */
    public boolean allows(int bits) {
        return switch (this) {
            // One plane of two's complement holds only {-1, 0}: BINARY is the useful 1-bit signed format.
            case SIGNED -> bits >= 2 && bits <= 4;
            case UNSIGNED -> bits >= 1 && bits <= 4;
            case BINARY -> bits == 1;
        };
    }

    /** log2 of the magnitude of plane p's coefficient. */
    int shift(int plane) {
        return this == BINARY ? 1 : plane;
    }

    /** Whether plane p's coefficient is negative (only the sign plane of two's complement). */
    boolean negative(int plane, int bits) {
        return this == SIGNED && plane == bits - 1;
    }

    /** The constant every value carries besides its planes: -1 for binary, else 0. */
    int offset() {
        return this == BINARY ? -1 : 0;
    }

    /** The b-bit pattern packed for a value: plane p holds bit p of it. */
    int code(int value, int bits) {
        return switch (this) {
            case SIGNED -> value & ((1 << bits) - 1);
            case UNSIGNED -> value;
            case BINARY -> (value + 1) >> 1;
        };
    }
}
