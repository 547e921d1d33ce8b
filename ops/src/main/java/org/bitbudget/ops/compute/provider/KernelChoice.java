package org.bitbudget.ops.compute.provider;

/**
 * What {@link KernelProvider} chose for this JVM: the vector width every family runs at (when it
 * reaches the family's {@link KernelFamily#minimumBits()}), or 0 for scalar kernels everywhere, and why.
 *
 * @param bits   128, 256 or 512, or 0 for scalar
 * @param reason why, in words for the log line
 */
public record KernelChoice(int bits, String reason) {

    /** Whether the Vector API kernels run at all. */
    public boolean vector() {
        return bits > 0;
    }
}
