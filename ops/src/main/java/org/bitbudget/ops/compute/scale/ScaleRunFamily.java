package org.bitbudget.ops.compute.scale;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * {@link ScaleRun} as a {@link KernelFamily}: {@link VectorScaleRun} from four float lanes (the SGEMM's
 * rule, so a JVM runs all float kernels one way), else {@link ScalarScaleRun}.
 */
public final class ScaleRunFamily implements KernelFamily<ScaleRun> {

    @Override
    public String name() {
        return "float run times a scalar";
    }

    @Override
    public ScaleRun scalar() {
        return new ScalarScaleRun();
    }

    @Override
    public Class<VectorScaleRun> vectorClass() {
        return VectorScaleRun.class;
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
        static final ScaleRun KERNEL = KernelProvider.get(new ScaleRunFamily());
    }
}
