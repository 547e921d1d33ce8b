package org.bitbudget.ops.compute.sgemm;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/** The convolution SGEMM as a {@link KernelFamily}: {@link VectorPackedSgemm} from four float lanes. */
public final class PackedSgemmFamily implements KernelFamily<PackedSgemm> {

    /** The packed SGEMM in use in this JVM, chosen by {@link KernelProvider}. */
    public static PackedSgemm get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "packed float SGEMM";
    }

    @Override
    public PackedSgemm scalar() {
        return new ScalarPackedSgemm();
    }

    @Override
    public Class<VectorPackedSgemm> vectorClass() {
        return VectorPackedSgemm.class;
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
        static final PackedSgemm KERNEL = KernelProvider.get(new PackedSgemmFamily());
    }
}
