package org.bitbudget.ops;

import org.bitbudget.ir.graph.Op;

/**
 * The integer forms the integer engine knows. A value there is either int32 accumulators (a layer's
 * output, Add, clamps, average pooling) or codes of a layer's input format; each kind says what the
 * operator does to them.
 */
public sealed interface IntegerLowering {
    /** The kind of every operator without an integer form. */
    IntegerLowering RUNS_IN_FLOAT = new RunsInFloat();

    /** A weighted layer (Conv, Gemm, MatMul): integer GEMM when the precision config quantizes it. */
    record Layer() implements IntegerLowering {}

    /** The output is the input, in whatever form it has. */
    record PassThrough() implements IntegerLowering {}

    /** Clamps to the real range [low, high]: on accumulators, or folded into a layer's input codes. */
    record Clamp(double low, double high) implements IntegerLowering {}

    /** Max pooling, which commutes with requantization and so runs on codes. */
    record MaxPool(Op.Pool pool) implements IntegerLowering {}

    /** Average pooling of accumulators; {@code pool} is null for a global average. */
    record AveragePool(Op.Pool pool) implements IntegerLowering {}

    /** Flatten at {@code axis}: free when the spatial size is 1, a copy on codes otherwise. */
    record Flatten(int axis) implements IntegerLowering {}

    /** An element-wise sum of two accumulators of the same shape (a residual connection). */
    record Add() implements IntegerLowering {}

    /**
     * No integer form: the integer engine runs the node in a float island, on its float kernel between
     * dequantize and quantize steps.
     */
    record RunsInFloat() implements IntegerLowering {}
}
