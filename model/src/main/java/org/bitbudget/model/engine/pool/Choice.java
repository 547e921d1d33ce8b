package org.bitbudget.model.engine.pool;

import org.bitbudget.model.engine.sgemm.ScalarSgemm;
import org.bitbudget.model.engine.sgemm.SgemmProvider;

/**
 * Holds the {@link MaxPool2x2} in use, chosen on first use. It names only scalar classes before
 * choosing, so that no class of the Vector API is loaded on a JVM without it.
 */
final class Choice {
    static final MaxPool2x2 MAX_POOL_2X2 = SgemmProvider.get() instanceof ScalarSgemm
            ? new ScalarMaxPool2x2() : new VectorMaxPool2x2();

    private Choice() {
    }
}
