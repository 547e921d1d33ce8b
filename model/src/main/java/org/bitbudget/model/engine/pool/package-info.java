/**
 * MaxPool with a 2 x 2 window for the reference engine: a Vector API kernel and its scalar twin with
 * bit-identical results, chosen like the SGEMM.
 */
package org.bitbudget.model.engine.pool;
