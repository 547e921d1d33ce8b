package org.bitbudget.search;

/**
 * Measures a config, e.g. top-1 accuracy of the quantized network on a calibration subset (higher is
 * better). May be expensive; must be thread-safe and deterministic for a given config, so that
 * searches stay reproducible when it is called from several threads.
 */
@FunctionalInterface
public interface Evaluator {
    double accuracy(int[] config);
}
