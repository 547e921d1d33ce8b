package org.bitbudget.ops.compute.pool;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * MaxPool 2 x 2 as a {@link KernelFamily}: {@link VectorMaxPool2x2} from four float lanes (the SGEMM's
 * rule, so a JVM runs all float kernels one way), else {@link ScalarMaxPool2x2}.
 */
public final class MaxPoolFamily implements KernelFamily<MaxPool2x2> {

    @Override
    public String name() {
        return "max pool 2x2";
    }

    @Override
    public MaxPool2x2 scalar() {
        return new ScalarMaxPool2x2();
    }

    @Override
    public Class<VectorMaxPool2x2> vectorClass() {
        return VectorMaxPool2x2.class;
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
        static final MaxPool2x2 KERNEL = KernelProvider.get(new MaxPoolFamily());
    }
}
