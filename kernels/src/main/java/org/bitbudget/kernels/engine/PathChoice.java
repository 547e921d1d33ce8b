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
 * the just-in-time compiler's progress favours none, until a budget per measured layer is spent and a
 * round improves no path's best time by more than 1/16 (or a cap is reached), after a first such
 * pass that only warms the paths. The fastest run of
 * each path decides, and the rule's choice stays unless another path's is more than 10% faster, in
 * the rounds and again in a separate timing of the two paths alone.
 */
final class PathChoice {
    /** Synthetic images per timed run: the engine's chunk, so each path is timed on the calls it will serve. */
    static final int IMAGES = IntegerEngine.CHUNK;

    /** Timing budget per layer with several exact paths, once the timings have settled. */
    private static final long BUDGET_NANOS = 20_000_000L;

    /**
     * The most time one pass of rounds spends timing (the warming pass, the rounds, the confirmation),
     * whatever the state of the timings: in a fresh JVM the kernels first run interpreted and get
     * compiled one after the other during the rounds.
     */
    private static final long CAP_NANOS = 2_000_000_000L;

    /** Another path replaces the rule's when its best time is below the rule's by more than 1/MARGIN. */
    private static final int MARGIN = 10;

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
        for (int i = 0; i < candidates.length; i++) {
            LoweredLayer rule = ((Step.Layer) steps.get(measured.get(i))).lowered();
            candidates[i] = rule.eligible().stream()
                    .map(p -> p == rule.path() ? rule : rule.withPath(p))
                    .toArray(LoweredLayer[]::new);
        }
        // A first pass of rounds only warms: a path that shares a kernel with other layers but takes
        // another branch of it (the blocked tiles' planar runs, only the first layer's) makes the
        // compiler drop and recompile that kernel, and resnet8's stem ran 1.3x faster blocked once
        // it had, yet the rounds settled on its slower times before and kept the rule's path.
        time(candidates, measured, inputs);
        long[][] best = time(candidates, measured, inputs);
        // A switch away from the rule's path stands only if a second timing of the two paths alone
        // confirms it: in a fresh JVM the rounds can end at the cap while the compiler has not yet
        // finished (or has just deoptimised) the rule's kernel, and its best time then says nothing
        // of its speed.
        int[] fastest = new int[candidates.length];
        LoweredLayer[][] pairs = new LoweredLayer[candidates.length][];
        for (int i = 0; i < candidates.length; i++) {
            fastest[i] = fastest(best[i]);
            pairs[i] = fastest[i] == 0
                    ? new LoweredLayer[0]
                    : new LoweredLayer[] {candidates[i][0], candidates[i][fastest[i]]};
        }
        long[][] again = time(pairs, measured, inputs);
        for (int i = 0; i < candidates.length; i++) {
            int chosenPath = fastest[i] != 0 && confirmed(again[i][0], again[i][1]) ? fastest[i] : 0;
            Step.Layer step = (Step.Layer) steps.get(measured.get(i));
            LoweredLayer chosen = candidates[i][chosenPath];
            steps.set(measured.get(i), new Step.Layer(step.layer(), step.from(), step.to(), chosen));
            lowered.put(chosen.name(), chosen);
        }
    }

    /**
     * Each candidate path's best time, by layer, over rounds that each visit all layers and paths
     * (so that the just-in-time compiler's progress favours none), until a budget per layer with
     * candidates is spent and a round improves no best time by more than 1/16, or the cap is reached.
     *
     * @param candidates each measured layer's candidate paths (none: the layer is not timed)
     * @param measured   each measured layer's step index
     * @param inputs     the codes each step reads, by step index
     * @return the best time of each candidate in nanoseconds, indexed like {@code candidates}
     */
    private static long[][] time(LoweredLayer[][] candidates, List<Integer> measured, Codes[] inputs) {
        long[][] best = new long[candidates.length][];
        int timed = 0;
        for (int i = 0; i < candidates.length; i++) {
            best[i] = new long[candidates[i].length];
            Arrays.fill(best[i], Long.MAX_VALUE);
            timed += candidates[i].length == 0 ? 0 : 1;
        }
        long start = System.nanoTime();
        long budget = BUDGET_NANOS * timed;
        int checksum = 0;
        boolean settled = false;
        for (int round = 0; !settled || round < MIN_ROUNDS || System.nanoTime() - start < budget; round++) {
            settled = true;
            for (int i = 0; i < candidates.length; i++) {
                Codes in = inputs[measured.get(i)];
                int count = candidates[i].length;
                for (int t = 0; t < count; t++) {
                    // Alternate the order, so no path always runs in the cache state another left.
                    int j = round % 2 == 0 ? t : count - 1 - t;
                    long t0 = System.nanoTime();
                    Acc acc = candidates[i][j].accumulate(in);
                    long nanos = System.nanoTime() - t0;
                    // A run 1/16 faster than the best so far means the compiler (or the cache) is still
                    // moving: the rounds go on, up to the cap.
                    settled &= nanos >= best[i][j] - best[i][j] / 16;
                    best[i][j] = Math.min(best[i][j], nanos);
                    checksum += acc.values().length == 0 ? 0 : acc.values()[acc.values().length - 1];
                }
            }
            if (System.nanoTime() - start > CAP_NANOS) {
                break;
            }
        }
        sink += checksum;
        return best;
    }

    /**
     * The index of the path the timings choose, from each path's best time (index 0 the rule's):
     * the rule's path keeps the layer unless another is clearly faster, since timings on a busy
     * machine move by several percent and a switch on noise gains nothing.
     *
     * @param best each path's best time in nanoseconds, the rule's path first
     * @return the chosen path's index, 0 for the rule's
     */
    static int fastest(long[] best) {
        int fastest = 0;
        for (int j = 1; j < best.length; j++) {
            if (confirmed(best[0], best[j]) && best[j] < best[fastest]) {
                fastest = j;
            }
        }
        return fastest;
    }

    /**
     * Whether a path whose best time is {@code other} is clearly faster than the rule's path with
     * best time {@code rule}: below it by more than 1/{@link #MARGIN}.
     */
    static boolean confirmed(long rule, long other) {
        return other < rule - rule / MARGIN;
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
