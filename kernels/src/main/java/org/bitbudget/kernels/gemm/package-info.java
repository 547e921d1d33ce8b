/**
 * Integer matrix multiplication for the integer engine: int8 (or uint8 with a zero point) times int8
 * into int32 or, where a bound proves it safe, int16 accumulators; a Vector API kernel, its scalar
 * twin with identical results, the provider that picks one, and the accumulator bounds.
 */
package org.bitbudget.kernels.gemm;
