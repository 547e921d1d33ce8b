/**
 * Float matrix multiplication for the reference engine: a Vector API kernel, its scalar twin with
 * bit-identical results, and its kernel
 * family, through which the kernel provider chooses one.
 */
package org.bitbudget.ops.compute.sgemm;
