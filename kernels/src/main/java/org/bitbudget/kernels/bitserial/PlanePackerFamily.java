package org.bitbudget.kernels.bitserial;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * The {@link PlanePacker} as a {@link KernelFamily}: {@link VectorPlanePacker} from 128 bits (the
 * bit-serial GEMM's rule, so both sides of a bit-serial product run one way), else
 * {@link PlanePacker.Scalar}.
 */
public final class PlanePackerFamily implements KernelFamily<PlanePacker> {

    /** The plane packer in use in this JVM, chosen by {@link KernelProvider}. */
    public static PlanePacker get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "plane packer";
    }

    @Override
    public PlanePacker scalar() {
        return new PlanePacker.Scalar();
    }

    @Override
    public Class<VectorPlanePacker> vectorClass() {
        return VectorPlanePacker.class;
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
        static final PlanePacker KERNEL = KernelProvider.get(new PlanePackerFamily());
    }
}
