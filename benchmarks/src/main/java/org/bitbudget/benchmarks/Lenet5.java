package org.bitbudget.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Where the benchmarks find lenet5.onnx, and the seeded input both engines get. */
final class Lenet5 {
    /** Seed of the random input batch. */
    static final long SEED = 20250101L;

    private Lenet5() {}

    /**
     * The model file: the system property {@code bitbudget.model} if set, otherwise
     * {@code models/lenet5.onnx} under the system property {@code bitbudget.shared} (default
     * {@code ../shared}, which is right when the JVM runs in the project root).
     */
    static Path modelPath() {
        String explicit = System.getProperty("bitbudget.model");
        Path path = explicit != null
                ? Path.of(explicit)
                : Path.of(System.getProperty("bitbudget.shared", "../shared"), "models", "lenet5.onnx");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path.toAbsolutePath() + ": no such model file; run from the project root "
                    + "or pass -Dbitbudget.model=PATH/lenet5.onnx");
        }
        return path;
    }

    /**
     * {@code batch} images of 1 x 28 x 28 pixels drawn uniformly from [0, 1) and normalised as the
     * model expects, {@code (x - 0.2860) / 0.3530}; the same for every call with the same arguments.
     */
    static float[] randomImages(int batch, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] data = new float[batch * 28 * 28];
        for (int i = 0; i < data.length; i++) {
            data[i] = ((float) random.nextDouble() - 0.2860f) / 0.3530f;
        }
        return data;
    }
}
