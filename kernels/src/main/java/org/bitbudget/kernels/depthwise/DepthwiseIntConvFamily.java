package org.bitbudget.kernels.depthwise;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * Depthwise convolution on codes as a {@link KernelFamily}: {@link VectorDepthwiseIntConv} from eight
 * int lanes (256 bits; the smallest byte vector it loads has eight lanes), else
 * {@link ScalarDepthwiseIntConv}.
 */
public final class DepthwiseIntConvFamily implements KernelFamily<DepthwiseIntConv> {

    /** The depthwise integer convolution in use in this JVM, chosen by {@link KernelProvider}. */
    public static DepthwiseIntConv get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "depthwise int convolution";
    }

    @Override
    public DepthwiseIntConv scalar() {
        return new ScalarDepthwiseIntConv();
    }

    @Override
    public Class<VectorDepthwiseIntConv> vectorClass() {
        return VectorDepthwiseIntConv.class;
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
        static final DepthwiseIntConv KERNEL = KernelProvider.get(new DepthwiseIntConvFamily());
    }
}
