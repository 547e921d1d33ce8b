package org.bitbudget.ops.compute.blocked;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * {@link BlockedScale} as a {@link KernelFamily}: {@link BlockedScaleVector} from four float lanes (the SGEMM's rule, so a JVM
 * runs all float kernels one way), else {@link BlockedScaleScalar}.
 */
public final class BlockedScaleFamily implements KernelFamily<BlockedScale> {

    @Override
    public String name() {
        return "float 16-channel blocks times a per-channel scale";
    }

    @Override
    public BlockedScale scalar() {
        return new BlockedScaleScalar();
    }

    @Override
    public Class<BlockedScaleVector> vectorClass() {
        return BlockedScaleVector.class;
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
    static final class InUse {
        static final BlockedScale KERNEL = KernelProvider.get(new BlockedScaleFamily());
    }
}
