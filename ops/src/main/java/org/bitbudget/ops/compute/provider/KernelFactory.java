package org.bitbudget.ops.compute.provider;

/**
 * Makes Vector API kernels; its one implementation is loaded by name, only when the
 * {@code jdk.incubator.vector} module is present, so that {@link KernelProvider} names no class of
 * the Vector API and loads on any JVM.
 */
interface KernelFactory {

    /** The widest vector, in bits, this JVM compiles to registers (its preferred shape). */
    int widestBits();

    /** The family's Vector API kernel at {@code bits}, one instance per family and width. */
    <K> K vector(KernelFamily<K> family, int bits);

    /** The width of a kernel this factory made, or 0 if it did not make it. */
    int bits(Object kernel);
}
