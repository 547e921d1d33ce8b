package org.bitbudget.ops.compute.sgemm;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/** The SGEMM storing 16-channel blocks as a {@link KernelFamily}: {@link VectorBlockedSgemm} from eight float lanes. */
public final class BlockedSgemmFamily implements KernelFamily<BlockedSgemm> {

    /** The blocked SGEMM in use in this JVM, chosen by {@link KernelProvider}. */
    public static BlockedSgemm get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "blocked float SGEMM";
    }

    @Override
    public BlockedSgemm scalar() {
        return new ScalarBlockedSgemm();
    }

    @Override
    public Class<VectorBlockedSgemm> vectorClass() {
        return VectorBlockedSgemm.class;
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
        static final BlockedSgemm KERNEL = KernelProvider.get(new BlockedSgemmFamily());
    }
}
