/**
 * The one place that chooses, once per JVM, between the Vector API kernels and their scalar twins:
 * {@link org.bitbudget.model.engine.kernel.KernelProvider}, the {@link
 * org.bitbudget.model.engine.kernel.KernelFamily} every kernel kind registers, and {@link
 * org.bitbudget.model.engine.kernel.VectorWidth}, from which a Vector API kernel takes its species.
 */
package org.bitbudget.model.engine.kernel;
