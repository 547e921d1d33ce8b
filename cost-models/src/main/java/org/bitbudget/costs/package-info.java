/**
 * Cost models: what a precision costs per layer (size, BOPs, MACs, activation memory, energy,
 * accumulator width, latency) behind one interface, {@link org.bitbudget.costs.CostModel}; the
 * {@link org.bitbudget.costs.CostTable} of layers × candidate precisions × models, whose uniform
 * reference totals resolve relative budgets.
 */
package org.bitbudget.costs;
