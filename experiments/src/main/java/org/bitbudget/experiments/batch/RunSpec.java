package org.bitbudget.experiments.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One point of an experiment's grid: everything a search run needs, as the experiment YAML gave it.
 *
 * @param index       position of the run in the experiment's grid (0-based), the order of {@code results.csv}
 * @param experiment  the experiment's name
 * @param model       the model's label (the YAML's {@code name}, else the file name without {@code .onnx})
 * @param modelPath   the ONNX file (resolved against the YAML's folder)
 * @param modelSha256 SHA-256 of the ONNX file, hex
 * @param normalize   input normalisation {@code MEAN,STD}, or null for the model's metadata
 * @param data        {@code fashion-mnist}, {@code mnist}, a folder of idx files, a .npy/.npz file or an image
 *                    folder, optionally with {@code ?input-key=…&label-key=…&preprocess=…}
 * @param formats     candidate weight formats of the search space
 * @param activations candidate activation formats ({@code float} = weight-only)
 * @param estimator   sensitivity estimator name
 * @param strategy    search strategy name
 * @param budgets     budget expressions, all of which must hold ({@code size <= 20 KiB}, {@code bops <= 0.25 x int8})
 * @param seed        the run's seed
 * @param limit       test images evaluated (0 = the whole test split)
 * @param calibration train images that calibrate activation ranges
 * @param timeSeconds the search's time limit in seconds (0 = none)
 * @param engine      {@code float} (fake quantization) or {@code integer} (integer kernels) for the final evaluation
 * @param metric      the metric that scores configs ({@code top1}, {@code kl}, ...), or null for the default
 * @param key         the run key, see {@link RunKeys}
 * @param fitness     what {@code ga} and {@code nsga2} maximise, {@code measured} or {@code predicted}; null
 *                    for the strategy's default (and for every other strategy)
 * @param coupling    what the layers of a coupling group share, {@code activations}, {@code all} or
 *                    {@code none}; null for the pipeline's default
 * @param target      the runtime whose arithmetic the encodings must match ({@code x86-avx2}, ...), or null
 *                    for the pipeline's default ({@code generic})
 * @param ignore      layers that stay float and out of the search: names or patterns (glob, {@code re:},
 *                    {@code op:}), as {@code search --ignore}; empty for none
 */
public record RunSpec(
        int index,
        String experiment,
        String model,
        Path modelPath,
        String modelSha256,
        String normalize,
        String data,
        List<String> formats,
        List<String> activations,
        String estimator,
        String strategy,
        List<String> budgets,
        long seed,
        int limit,
        int calibration,
        double timeSeconds,
        String engine,
        String metric,
        String key,
        String fitness,
        String coupling,
        String target,
        List<String> ignore) {
    public RunSpec {
        Objects.requireNonNull(model);
        Objects.requireNonNull(modelPath);
        formats = List.copyOf(formats);
        activations = List.copyOf(activations);
        budgets = List.copyOf(budgets);
        ignore = List.copyOf(ignore);
    }

    /** The budgets as one text, as the results CSV writes them: {@code size <= 20 KiB; bops <= 0.5 x int8}. */
    public String budgetText() {
        return String.join("; ", budgets);
    }

    /** This run with {@code key} set. */
    RunSpec withKey(String newKey) {
        return new RunSpec(
                index,
                experiment,
                model,
                modelPath,
                modelSha256,
                normalize,
                data,
                formats,
                activations,
                estimator,
                strategy,
                budgets,
                seed,
                limit,
                calibration,
                timeSeconds,
                engine,
                metric,
                newKey,
                fitness,
                coupling,
                target,
                ignore);
    }

    /** This run at grid position {@code newIndex}. */
    RunSpec withIndex(int newIndex) {
        return new RunSpec(
                newIndex,
                experiment,
                model,
                modelPath,
                modelSha256,
                normalize,
                data,
                formats,
                activations,
                estimator,
                strategy,
                budgets,
                seed,
                limit,
                calibration,
                timeSeconds,
                engine,
                metric,
                key,
                fitness,
                coupling,
                target,
                ignore);
    }
}
