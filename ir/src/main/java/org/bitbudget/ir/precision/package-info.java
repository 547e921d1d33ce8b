/**
 * Precision configs (a weight quantizer, an activation quantizer and an accumulator width per layer),
 * their JSON/YAML form, and fake quantization of a graph under a config with calibrated activations.
 */
package org.bitbudget.ir.precision;
