package org.bitbudget.kernels.gemm;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/** Exact integer GEMM on fp32 FMA as a {@link KernelFamily}: {@link VectorFmaIntGemm} from 128 bits. */
public final class FmaIntGemmFamily implements KernelFamily<FmaIntGemm> {

    /** The FMA integer GEMM in use in this JVM, chosen by {@link KernelProvider}. */
    public static FmaIntGemm get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "int GEMM on fp32 FMA";
    }

    @Override
    public FmaIntGemm scalar() {
        return new ScalarFmaIntGemm();
    }

    @Override
    public Class<VectorFmaIntGemm> vectorClass() {
        return VectorFmaIntGemm.class;
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
        static final FmaIntGemm KERNEL = KernelProvider.get(new FmaIntGemmFamily());
    }
}
