package org.bitbudget.kernels;

import org.bitbudget.kernels.bitserial.BitSerialFamily;
import org.bitbudget.kernels.bitserial.PlanePackerFamily;
import org.bitbudget.kernels.gemm.IntGemmFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.bitbudget.ops.compute.sgemm.SgemmFamily;

/**
 * Prints the kernels in use, one {@code name=bits} per line (0 for scalar), then the bit-serial
 * kernel's channels per vector: what {@link KernelFamiliesTest} runs in a JVM of its own to see the
 * provider's once-per-JVM decision and its log line.
 */
final class PrintKernels {

    private PrintKernels() {}

    public static void main(String[] args) {
        System.out.println("choice=" + KernelProvider.choice().bits());
        System.out.println("sgemm=" + KernelProvider.bits(SgemmFamily.get()));
        System.out.println("int=" + KernelProvider.bits(IntGemmFamily.get()));
        System.out.println("bitserial=" + KernelProvider.bits(BitSerialFamily.get()));
        System.out.println("packer=" + KernelProvider.bits(PlanePackerFamily.get()));
        System.out.println("channels=" + BitSerialFamily.get().channelsPerVector());
    }
}
