package org.bitbudget.ops.compute;

import org.bitbudget.ir.tensor.Tensor;

/** One node's float computation, compiled once: its outputs from its inputs (null for an omitted one). */
@FunctionalInterface
public interface FloatKernel {
    /** The outputs in order; the first may be written into an array from {@code allocator}. */
    Tensor[] apply(Tensor[] inputs, Allocator allocator);
}
