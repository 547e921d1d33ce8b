package org.bitbudget.kernels.gemm;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * Integer GEMM as a {@link KernelFamily}: {@link VectorIntGemm} from eight int lanes (256 bits; the
 * smallest byte vector it loads has eight lanes), else {@link ScalarIntGemm}.
 */
public final class IntGemmFamily implements KernelFamily<IntGemm> {

    /** The integer GEMM in use in this JVM, chosen by {@link KernelProvider}. */
    public static IntGemm get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "int GEMM";
    }

    @Override
    public IntGemm scalar() {
        return new ScalarIntGemm();
    }

    @Override
    public Class<VectorIntGemm> vectorClass() {
        return VectorIntGemm.class;
    }

    @Override
    public MethodHandles.Lookup lookup() {
        return MethodHandles.lookup();
    }

    @Override
    public int minimumBits() {
        return 256;
    }

    /** Holds the choice apart from the family, which the provider instantiates while it decides. */
    private static final class InUse {
        static final IntGemm KERNEL = KernelProvider.get(new IntGemmFamily());
    }
}
