package org.bitbudget.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Estimators}: every registered estimator is built under its own name. */
class EstimatorsTest {
    @Test
    void everyEntryBuildsTheEstimatorOfItsName() {
        for (Estimators.Entry e : Estimators.REGISTRY.entries()) {
            assertEquals(e.name(), e.factory().get().name());
            assertEquals(
                    e.name(),
                    Estimators.of(e.name().toUpperCase(java.util.Locale.ROOT)).name());
        }
        assertEquals(
                List.of("roundoff", "bit-gradient", "hessian", "fisher", "output-mse", "kl", "measured"),
                Estimators.NAMES);
    }
}
