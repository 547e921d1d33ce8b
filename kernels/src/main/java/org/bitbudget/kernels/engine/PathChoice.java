package org.bitbudget.kernels.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bitbudget.ir.tensor.Shape;

/**
 * Chooses each layer's kernel by timing on the running machine ({@link IntegerEngine.Builder#measure}):
 * every path that computes a layer exactly gives the same accumulators, so the choice only moves the
 * speed. A few synthetic images run through the plan as the rule lowered it, which gives every layer
 * inputs of its real shape and formats (and warms the kernels); then every exact path of every layer
 * with more than one is timed on them in rounds, each round visiting all layers and paths so that
 * the just-in-time compiler's progress favours none, until a budget per measured layer is spent.
 * The fastest run of each path decides; a tie goes to the rule's choice.
 */
final class PathChoice {
    /** Synthetic images per timed run: a quarter of the engine's chunk, enough rows for every kernel's blocking. */
    static final int IMAGES = 16;

    /** Timing budget per layer with several exact paths. */
    private static final long BUDGET_NANOS = 20_000_000L;

    /** Rounds every path runs at least, however slow. */
    private static final int MIN_ROUNDS = 3;

    /** Keeps the timed results observable, so that the compiler cannot drop the work. */
    private static volatile int sink;

    private PathChoice() {}

    /**
     * Replaces, in {@code steps} and {@code lowered}, every layer that has several exact paths by
     * the same layer on its fastest path.
     *
     * @param steps   the plan as lowered by the rule; its layer steps are replaced in place
     * @param slots   the plan's slot count
     * @param input   the graph input's shape (any batch)
     * @param lowered the lowered layers by name, updated with the choice
     */
    static void fastest(List<Step> steps, int slots, Shape input, Map<String, LoweredLayer> lowered) {
        Codes[] inputs = layerInputs(steps, slots, input);
        List<Integer> measured = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            if (steps.get(s) instanceof Step.Layer l && l.lowered().eligible().size() > 1) {
                measured.add(s);
            }
        }
        LoweredLayer[][] candidates = new LoweredLayer[measured.size()][];
        long[][] best = new long[measured.size()][];
        for (int i = 0; i < candidates.length; i++) {
            LoweredLayer rule = ((Step.Layer) steps.get(measured.get(i))).lowered();
            candidates[i] = rule.eligible().stream()
                    .map(p -> p == rule.path() ? rule : rule.withPath(p))
                    .toArray(LoweredLayer[]::new);
            best[i] = new long[candidates[i].length];
            Arrays.fill(best[i], Long.MAX_VALUE);
        }
        long deadline = System.nanoTime() + BUDGET_NANOS * measured.size();
        int checksum = 0;
        for (int round = 0; round < MIN_ROUNDS || System.nanoTime() < deadline; round++) {
            for (int i = 0; i < candidates.length; i++) {
                Codes in = inputs[measured.get(i)];
                int count = candidates[i].length;
                for (int t = 0; t < count; t++) {
                    // Alternate the order, so no path always runs in the cache state another left.
                    int j = round % 2 == 0 ? t : count - 1 - t;
                    long start = System.nanoTime();
                    Acc acc = candidates[i][j].accumulate(in);
                    best[i][j] = Math.min(best[i][j], System.nanoTime() - start);
                    checksum += acc.values()[acc.values().length - 1];
                }
            }
        }
        sink = checksum;
        for (int i = 0; i < candidates.length; i++) {
            int fastest = 0;
            for (int j = 1; j < best[i].length; j++) {
                if (best[i][j] < best[i][fastest]) {
                    fastest = j;
                }
            }
            Step.Layer step = (Step.Layer) steps.get(measured.get(i));
            LoweredLayer chosen = candidates[i][fastest];
            steps.set(measured.get(i), new Step.Layer(step.layer(), step.from(), step.to(), chosen));
            lowered.put(chosen.name(), chosen);
        }
    }

    /**
     * The codes each layer step reads when {@link #IMAGES} seeded random images run through the
     * plan (twice: the first run warms the kernels), by step index; null for other steps.
     */
    private static Codes[] layerInputs(List<Step> steps, int slots, Shape input) {
        int c = input.dim(1);
        int h = input.rank() == 4 ? input.dim(2) : 1;
        int w = input.rank() > 2 ? input.dim(input.rank() - 1) : 1;
        float[] pixels = new float[IMAGES * c * h * w];
        Random random = new Random(0);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        Codes[] inputs = new Codes[steps.size()];
        for (int run = 0; run < 2; run++) {
            Object[] values = new Object[slots];
            values[0] = new Step.Images(pixels, 0, IMAGES, c, h, w);
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                if (step instanceof Step.Layer l) {
                    inputs[s] = (Codes) values[l.from()];
                }
                step.run(values);
            }
        }
        return inputs;
    }
}
