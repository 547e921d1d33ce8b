package org.bitbudget.kernels.gemm;

import java.lang.System.Logger.Level;
import jdk.incubator.vector.IntVector;

/**
 * Chooses the integer GEMM implementation once per JVM: the Vector API one when the
 * {@code jdk.incubator.vector} module is present and its preferred int vector holds at least eight
 * lanes (the smallest byte vector has eight), otherwise the scalar twin, saying why in one log line.
 * Setting the system property {@code bitbudget.vector=false} forces the scalar path. It is also the
 * one place that decides whether a layer may accumulate in int16.
 */
public final class IntKernelProvider {
    private static final System.Logger LOG = System.getLogger(IntKernelProvider.class.getName());
    private static final int MIN_LANES = 8;
    private static final IntGemm INSTANCE = choose();

    private IntKernelProvider() {
    }

    /** The implementation in use. */
    public static IntGemm get() {
        return INSTANCE;
    }

    /**
     * The k that rows are best padded to a multiple of: the vector kernels' step (their leftover
     * products are summed one by one), 1 for the scalar twin. Padding with zero weights changes no sum.
     */
    public static int rowMultiple() {
        return INSTANCE instanceof VectorIntGemm ? VectorIntGemm.vectorLength() : 1;
    }

    /**
     * Whether int16 accumulation is safe for a layer: every channel's bound (from
     * {@link AccumulatorBounds#perChannel}) is at most 16 bits.
     */
    public static boolean int16Allowed(int[] channelBits) {
        for (int bits : channelBits) {
            if (bits > Short.SIZE) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link IntGemm#gemmS8} that accumulates in int16 when {@link #int16Allowed} holds for
     * {@code channelBits} and in int32 otherwise; the result is the same either way.
     */
    public static void gemmS8Bounded(int[] channelBits, int m, int n, int k, byte[] a, int aOff, int lda,
                                     byte[] w, int wOff, int ldw, int[] c, int cOff, int ldc) {
        if (channelBits.length != n) {
            throw new IllegalArgumentException("bounds for " + channelBits.length + " channels, but n = " + n);
        }
        if (int16Allowed(channelBits)) {
            INSTANCE.gemmS8Int16(m, n, k, a, aOff, lda, w, wOff, ldw, c, cOff, ldc);
        } else {
            INSTANCE.gemmS8(m, n, k, a, aOff, lda, w, wOff, ldw, c, cOff, ldc);
        }
    }

    private static IntGemm choose() {
        if (!Boolean.parseBoolean(System.getProperty("bitbudget.vector", "true"))) {
            LOG.log(Level.INFO, "integer kernels: scalar (bitbudget.vector=false)");
            return new ScalarIntGemm();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.log(Level.WARNING, "integer kernels: scalar, because the JVM was started without "
                    + "--add-modules jdk.incubator.vector");
            return new ScalarIntGemm();
        }
        // Asked here, not through VectorIntGemm, whose species cannot even be built below 8 lanes.
        int lanes = IntVector.SPECIES_PREFERRED.length();
        if (lanes < MIN_LANES) {
            LOG.log(Level.WARNING, "integer kernels: scalar, because the preferred int vector has only "
                    + lanes + " lanes on this CPU");
            return new ScalarIntGemm();
        }
        return new VectorIntGemm();
    }
}
