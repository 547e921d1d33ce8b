/**
 * The graph IR: {@link org.bitbudget.ir.graph.Graph} holds nodes in topological order, each an
 * {@link org.bitbudget.ir.graph.Op} with checked attributes; {@link org.bitbudget.ir.graph.Layer}
 * names the quantizable nodes.
 */
package org.bitbudget.ir.graph;
