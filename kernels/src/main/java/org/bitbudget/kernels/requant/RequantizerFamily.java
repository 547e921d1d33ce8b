package org.bitbudget.kernels.requant;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * Requantization and the residual Add's rescaling as a {@link KernelFamily}: {@link VectorRequantizer}
 * from eight int lanes (256 bits; the smallest byte vector it stores has eight lanes), else
 * {@link ScalarRequantizer}.
 */
public final class RequantizerFamily implements KernelFamily<Requantizer> {

    /** The requantizer in use in this JVM, chosen by {@link KernelProvider}. */
    public static Requantizer get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "requantization";
    }

    @Override
    public Requantizer scalar() {
        return new ScalarRequantizer();
    }

    @Override
    public Class<VectorRequantizer> vectorClass() {
        return VectorRequantizer.class;
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
        static final Requantizer KERNEL = KernelProvider.get(new RequantizerFamily());
    }
}
