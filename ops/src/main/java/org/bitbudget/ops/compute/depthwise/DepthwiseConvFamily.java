package org.bitbudget.ops.compute.depthwise;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/** Direct depthwise convolution as a {@link KernelFamily}: {@link VectorDepthwiseConv} from four float lanes, else {@link ScalarDepthwiseConv}. */
public final class DepthwiseConvFamily implements KernelFamily<DepthwiseConv> {

    /** The depthwise convolution in use in this JVM, chosen by {@link KernelProvider}. */
    public static DepthwiseConv get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "float depthwise convolution";
    }

    @Override
    public DepthwiseConv scalar() {
        return new ScalarDepthwiseConv();
    }

    @Override
    public Class<VectorDepthwiseConv> vectorClass() {
        return VectorDepthwiseConv.class;
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
        static final DepthwiseConv KERNEL = KernelProvider.get(new DepthwiseConvFamily());
    }
}
