package org.bitbudget.ops.compute.blocked;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * {@link BlockedPooling} as a {@link KernelFamily}: {@link BlockedPoolingVector} from four float lanes (the SGEMM's rule, so a JVM
 * runs all float kernels one way), else {@link BlockedPoolingScalar}.
 */
public final class BlockedPoolingFamily implements KernelFamily<BlockedPooling> {

    @Override
    public String name() {
        return "float global average pool of 16-channel blocks";
    }

    @Override
    public BlockedPooling scalar() {
        return new BlockedPoolingScalar();
    }

    @Override
    public Class<BlockedPoolingVector> vectorClass() {
        return BlockedPoolingVector.class;
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
        static final BlockedPooling KERNEL = KernelProvider.get(new BlockedPoolingFamily());
    }
}
