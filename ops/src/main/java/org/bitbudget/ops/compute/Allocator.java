package org.bitbudget.ops.compute;

/**
 * Where an operator gets the array of its result. {@code FloatEngine} hands a Conv or pooling step
 * the array the same step filled on its previous run in this thread when no caller can hold that
 * array, which spares allocating and zeroing the largest intermediates of every batch.
 */
@FunctionalInterface
public interface Allocator {
    /** Always a new array. */
    Allocator FRESH = float[]::new;

    /**
     * An array of exactly {@code size} floats whose contents are arbitrary: the operator must write
     * every element.
     */
    float[] take(int size);
}
