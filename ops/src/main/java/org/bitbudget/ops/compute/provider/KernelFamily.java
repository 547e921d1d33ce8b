package org.bitbudget.ops.compute.provider;

import java.lang.invoke.MethodHandles;

/**
 * One kind of kernel (float SGEMM, int GEMM, bit-serial GEMM, …): a Vector API implementation and a
 * scalar twin that gives exactly the same results, between which {@link KernelProvider} chooses.
 * List the implementing class in {@code META-INF/services/org.bitbudget.ops.compute.provider.KernelFamily}
 * of its module, so that the provider's log line names the choice; it needs a public no-argument
 * constructor.
 *
 * @param <K> the kernel interface both implementations implement
 */
public interface KernelFamily<K> {

    /** What the kernel computes, for the provider's log line, e.g. {@code "int GEMM"}. */
    String name();

    /** A new scalar twin. */
    K scalar();

    /**
     * The Vector API implementation: a top-level class with a no-argument constructor, in the package
     * of this family, that takes every species from {@link VectorWidth#of} in its static initialiser.
     * Naming it loads no class of the Vector API; only the provider instantiates it.
     */
    Class<? extends K> vectorClass();

    /**
     * {@code MethodHandles.lookup()} called in this family, which must live in the package of
     * {@link #vectorClass()}: the provider defines the copies of that class for other widths with it.
     */
    MethodHandles.Lookup lookup();

    /**
     * The narrowest vector, in bits, at which the Vector API implementation is worth running (it
     * needs enough lanes); below it the provider chooses the scalar twin.
     */
    int minimumBits();
}
