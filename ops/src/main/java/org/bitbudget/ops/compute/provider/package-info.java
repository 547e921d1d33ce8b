/**
 * The one place that chooses, once per JVM, between the Vector API kernels and their scalar twins:
 * {@link org.bitbudget.ops.compute.provider.KernelProvider}, the {@link
 * org.bitbudget.ops.compute.provider.KernelFamily} every kernel kind registers, and {@link
 * org.bitbudget.ops.compute.provider.VectorWidth}, from which a Vector API kernel takes its species.
 */
package org.bitbudget.ops.compute.provider;
