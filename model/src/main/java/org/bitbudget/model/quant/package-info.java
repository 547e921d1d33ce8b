/**
 * Number formats (integers, minifloats), granularities, clipping rules, scale search and weight
 * fake quantization.
 */
package org.bitbudget.model.quant;
