package org.bitbudget.ops.compute.sgemm;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/** Float SGEMM as a {@link KernelFamily}: {@link VectorSgemm} from four float lanes, else {@link ScalarSgemm}. */
public final class SgemmFamily implements KernelFamily<Sgemm> {

    /** The SGEMM in use in this JVM, chosen by {@link KernelProvider}. */
    public static Sgemm get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "float SGEMM";
    }

    @Override
    public Sgemm scalar() {
        return new ScalarSgemm();
    }

    @Override
    public Class<VectorSgemm> vectorClass() {
        return VectorSgemm.class;
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
        static final Sgemm KERNEL = KernelProvider.get(new SgemmFamily());
    }
}
