package org.bitbudget.ops.compute.blocked;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * {@link BlockedDepthwiseConv} as a {@link KernelFamily}: {@link BlockedDepthwiseConvVector} from four float lanes (the SGEMM's rule, so a JVM
 * runs all float kernels one way), else {@link BlockedDepthwiseConvScalar}.
 */
public final class BlockedDepthwiseConvFamily implements KernelFamily<BlockedDepthwiseConv> {

    @Override
    public String name() {
        return "float depthwise convolution on 16-channel blocks";
    }

    @Override
    public BlockedDepthwiseConv scalar() {
        return new BlockedDepthwiseConvScalar();
    }

    @Override
    public Class<BlockedDepthwiseConvVector> vectorClass() {
        return BlockedDepthwiseConvVector.class;
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
        static final BlockedDepthwiseConv KERNEL = KernelProvider.get(new BlockedDepthwiseConvFamily());
    }
}
