/** Summaries of a model's layers: shapes, parameters and MACs per sample. */
package org.bitbudget.ops.inspect;
