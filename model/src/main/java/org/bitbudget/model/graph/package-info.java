/**
 * The graph IR: {@link org.bitbudget.model.graph.Graph} holds nodes in topological order, each an
 * {@link org.bitbudget.model.graph.Op} with checked attributes; {@link org.bitbudget.model.graph.Layer}
 * names the quantizable nodes.
 */
package org.bitbudget.model.graph;
