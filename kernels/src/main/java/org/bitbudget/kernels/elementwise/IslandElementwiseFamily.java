package org.bitbudget.kernels.elementwise;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * The float islands' elementwise kernels as a {@link KernelFamily}: {@link VectorIslandElementwise}
 * from 256 bits (eight float lanes), else {@link ScalarIslandElementwise}.
 */
public final class IslandElementwiseFamily implements KernelFamily<IslandElementwise> {

    /** The kernels in use in this JVM, chosen by {@link KernelProvider}. */
    public static IslandElementwise get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "island elementwise";
    }

    @Override
    public IslandElementwise scalar() {
        return new ScalarIslandElementwise();
    }

    @Override
    public Class<VectorIslandElementwise> vectorClass() {
        return VectorIslandElementwise.class;
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
        static final IslandElementwise KERNEL = KernelProvider.get(new IslandElementwiseFamily());
    }
}
