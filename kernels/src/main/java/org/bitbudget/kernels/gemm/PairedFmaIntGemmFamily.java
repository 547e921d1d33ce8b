package org.bitbudget.kernels.gemm;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * Exact integer GEMM on fp32 FMA with two channels per lane as a {@link KernelFamily}:
 * {@link VectorPairedFmaIntGemm} from 128 bits.
 */
public final class PairedFmaIntGemmFamily implements KernelFamily<PairedFmaIntGemm> {

    /** The paired FMA integer GEMM in use in this JVM, chosen by {@link KernelProvider}. */
    public static PairedFmaIntGemm get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "int GEMM on fp32 FMA, two channels per lane";
    }

    @Override
    public PairedFmaIntGemm scalar() {
        return new ScalarPairedFmaIntGemm();
    }

    @Override
    public Class<VectorPairedFmaIntGemm> vectorClass() {
        return VectorPairedFmaIntGemm.class;
    }

    @Override
    public MethodHandles.Lookup lookup() {
        return MethodHandles.lookup();
    }

    @Override
    public int minimumBits() {
        return 128;
    }

    /** Holds the choice apart from the family, which the provider instantiates while it decides. */
    private static final class InUse {
        static final PairedFmaIntGemm KERNEL = KernelProvider.get(new PairedFmaIntGemmFamily());
    }
}
