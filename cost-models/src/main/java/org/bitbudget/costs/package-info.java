/**
 * Cost models: what a precision costs per layer (size, BOPs, MACs, activation memory, energy,
 * accumulator width, latency) behind one interface, {@link org.bitbudget.costs.CostModel}; the
 * {@link org.bitbudget.costs.CostTable} of layers × candidate precisions × models; and budgets
 * ({@link org.bitbudget.costs.Budgets}) over a config's totals.
 */
package org.bitbudget.costs;
