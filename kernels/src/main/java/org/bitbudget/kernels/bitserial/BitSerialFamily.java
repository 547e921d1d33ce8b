package org.bitbudget.kernels.bitserial;

import java.lang.invoke.MethodHandles;
import org.bitbudget.ops.compute.provider.KernelFamily;
import org.bitbudget.ops.compute.provider.KernelProvider;

/**
 * Bit-serial GEMM as a {@link KernelFamily}: {@link VectorBitSerialGemm} from two long lanes (128
 * bits; one lane would only add overhead to {@link Long#bitCount}), else {@link ScalarBitSerialGemm}.
 */
public final class BitSerialFamily implements KernelFamily<BitSerialGemm> {

    /** The bit-serial GEMM in use in this JVM, chosen by {@link KernelProvider}. */
    public static BitSerialGemm get() {
        return InUse.KERNEL;
    }

    @Override
    public String name() {
        return "bit-serial GEMM";
    }

    @Override
    public BitSerialGemm scalar() {
        return new ScalarBitSerialGemm();
    }

    @Override
    public Class<VectorBitSerialGemm> vectorClass() {
        return VectorBitSerialGemm.class;
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
        static final BitSerialGemm KERNEL = KernelProvider.get(new BitSerialFamily());
    }
}
