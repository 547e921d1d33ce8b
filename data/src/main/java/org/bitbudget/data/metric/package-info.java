/**
 * Metrics that score a model's outputs: top-1 and top-5 accuracy against labels, and, without labels,
 * fidelity to the float model (top-1 agreement, KL divergence, SQNR, MSE). {@link
 * org.bitbudget.data.metric.Metrics} is the registry.
 */
package org.bitbudget.data.metric;
