package org.bitbudget.kernels.depthwise;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * Depthwise convolution on fp32 FMA as a {@link KernelFamily}: {@link VectorDepthwiseFmaConv} from
 * eight float lanes (256 bits; the smallest byte vector it loads has eight lanes), else
 * {@link ScalarDepthwiseFmaConv}.
 */
public final class DepthwiseFmaConvFamily implements KernelFamily<DepthwiseFmaConv> {

    /** The depthwise FMA convolution in use in this JVM, chosen by {@link KernelProvider}. */
    public static DepthwiseFmaConv get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "depthwise fp32 FMA convolution";
    }

    @Override
    public DepthwiseFmaConv scalar() {
        return new ScalarDepthwiseFmaConv();
    }

    @Override
    public Class<VectorDepthwiseFmaConv> vectorClass() {
        return VectorDepthwiseFmaConv.class;
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
        static final DepthwiseFmaConv KERNEL = KernelProvider.get(new DepthwiseFmaConvFamily());
    }
}
