/**
 * Float matrix multiplication for the reference engine: a Vector API kernel, its scalar twin with
 * bit-identical results, and the provider that picks one.
 */
package org.bitbudget.model.engine.sgemm;
