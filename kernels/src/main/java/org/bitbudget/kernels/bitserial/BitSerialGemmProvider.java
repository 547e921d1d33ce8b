package org.bitbudget.kernels.bitserial;

import java.lang.System.Logger.Level;
import jdk.incubator.vector.LongVector;

/**
 * Chooses the bit-serial GEMM and the {@link PlanePacker} once per JVM: the Vector API ones when the
 * {@code jdk.incubator.vector} module is present and its preferred long vector holds at least two
 * lanes (one lane would only add overhead to {@link Long#bitCount}), otherwise the scalar twins,
 * saying why in one log line. Setting the system property {@code bitbudget.vector=false} forces the
 * scalar path.
 */
public final class BitSerialGemmProvider {
    private static final System.Logger LOG = System.getLogger(BitSerialGemmProvider.class.getName());
    private static final BitSerialGemm INSTANCE = choose();
    private static final PlanePacker PACKER = INSTANCE instanceof VectorBitSerialGemm && VectorPlanePacker.fitsWord()
            ? new VectorPlanePacker() : new PlanePacker.Scalar();

    private BitSerialGemmProvider() {
    }

    /** The implementation in use. */
    public static BitSerialGemm get() {
        return INSTANCE;
    }

    /**
     * Output channels per vector of the implementation in use (1 for the scalar twin): a layer with
     * fewer channels runs entirely on the scalar remainder loop.
     */
    public static int lanes() {
        return INSTANCE instanceof VectorBitSerialGemm ? LongVector.SPECIES_PREFERRED.length() : 1;
    }

    /** The plane packer in use. */
    public static PlanePacker packer() {
        return PACKER;
    }

    private static BitSerialGemm choose() {
        if (!Boolean.parseBoolean(System.getProperty("bitbudget.vector", "true"))) {
            LOG.log(Level.INFO, "bit-serial kernels: scalar (bitbudget.vector=false)");
            return new ScalarBitSerialGemm();
        }
        // Checked before any vector class is touched: loading one without the module would fail.
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.log(Level.WARNING, "bit-serial kernels: scalar, because the JVM was started without "
                    + "--add-modules jdk.incubator.vector");
            return new ScalarBitSerialGemm();
        }
        // Asked of LongVector, not VectorBitSerialGemm, whose initialisation needs two lanes.
        int lanes = LongVector.SPECIES_PREFERRED.length();
        if (lanes < 2) {
            LOG.log(Level.WARNING, "bit-serial kernels: scalar, because the preferred long vector has only "
                    + lanes + " lane (CPU or -XX:MaxVectorSize)");
            return new ScalarBitSerialGemm();
        }
        return new VectorBitSerialGemm();
    }
}
