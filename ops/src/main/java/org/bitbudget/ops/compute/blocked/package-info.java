/**
 * Operators on activations kept in 16-channel blocks ({@link org.bitbudget.ops.compute.blocked.ChannelBlocked16}).
 */
package org.bitbudget.ops.compute.blocked;
