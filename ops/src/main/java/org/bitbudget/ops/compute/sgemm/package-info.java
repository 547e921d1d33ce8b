/**
 * Float matrix multiplication for the reference engine: a Vector API kernel, its scalar twin with
 * bit-identical results, and its kernel
 * family, through which the kernel provider chooses one.
 *
 * <p><b>Tile stores.</b> A register tile that may cover fewer pixels (or rows) than it holds stores
 * every accumulator unconditionally, the last first, a missing one onto the last valid position,
 * which that position's own store then overwrites. A store under an {@code if} lets C2 widen the
 * bounds check of an earlier store over it ("range check smearing"); when a short tile ends the
 * array, that widened check fails and deoptimizes, and the trap is recorded in
 * {@code Objects.checkIndex}, which every Vector API load and store calls. From then on, every
 * kernel C2 compiles in that JVM gets plain bounds checks with an exception path instead of the
 * intrinsic, and the 256-bit register tiles spill: measured with {@code -XX:UseAVX=2}, the float
 * engine's resnet8 ran 102 instead of 45 ms per batch of 256 after an integer engine had tripped
 * the trap in the same JVM.
 */
package org.bitbudget.ops.compute.sgemm;
