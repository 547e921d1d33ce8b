package org.bitbudget.model.engine.sgemm;

import java.lang.System.Logger.Level;

/**
 * Chooses the SGEMM implementation once per JVM: the Vector API one when the
 * {@code jdk.incubator.vector} module is present and its preferred float vector holds at least four
 * lanes, otherwise the scalar twin, saying why in one log line. Setting the system property
 * {@code bitbudget.vector=false} forces the scalar path.
 */
public final class SgemmProvider {
    private static final System.Logger LOG = System.getLogger(SgemmProvider.class.getName());
    private static final Sgemm INSTANCE = choose();

    private SgemmProvider() {
    }

    /** The implementation in use. */
    public static Sgemm get() {
        return INSTANCE;
    }

    private static Sgemm choose() {
        if (!Boolean.parseBoolean(System.getProperty("bitbudget.vector", "true"))) {
            LOG.log(Level.INFO, "float kernels: scalar (bitbudget.vector=false)");
            return new ScalarSgemm();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.log(Level.WARNING, "float kernels: scalar, because the JVM was started without "
                    + "--add-modules jdk.incubator.vector");
            return new ScalarSgemm();
        }
        int lanes = VectorSgemm.vectorLength();
        if (lanes < 4) {
            LOG.log(Level.WARNING, "float kernels: scalar, because the preferred float vector has only "
                    + lanes + " lanes on this CPU");
            return new ScalarSgemm();
        }
        return new VectorSgemm();
    }
}
