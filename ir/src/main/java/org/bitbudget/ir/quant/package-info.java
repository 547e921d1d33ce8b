/**
 * Number formats (integers, minifloats), granularities, clipping rules, scale search and weight
 * fake quantization, and accumulator-aware (A2Q) weight codes
 * ({@link org.bitbudget.ir.quant.AccumulatorAware}).
 */
package org.bitbudget.ir.quant;
