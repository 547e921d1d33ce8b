/**
 * MaxPool with a 2 x 2 window for the reference engine: a Vector API kernel and its scalar twin with
 * bit-identical results, chosen by the kernel provider like the SGEMM.
 */
package org.bitbudget.ops.compute.pool;
