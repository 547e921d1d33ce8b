/**
 * The library entry point of a search run: {@link org.bitbudget.pipeline.SearchRun} ties a model and
 * data to the sensitivity estimators, the cost models, the budgets and a search strategy, and
 * evaluates what it finds on a held-out split.
 */
package org.bitbudget.pipeline;
