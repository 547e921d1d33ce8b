package org.bitbudget.ir.graph;

/** One dimension of a graph input: a fixed size, or a symbol such as {@code N} for the batch. */
public record Dimension(int size, String symbol) {
    /** A fixed size. */
    public static Dimension of(int size) {
        return new Dimension(size, null);
    }

    /** A symbolic size. */
    public static Dimension symbolic(String symbol) {
        return new Dimension(-1, symbol);
    }

    public boolean isSymbolic() {
        return size < 0;
    }

    @Override
    public String toString() {
        return isSymbolic() ? symbol : Integer.toString(size);
    }
}
