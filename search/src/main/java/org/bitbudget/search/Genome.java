package org.bitbudget.search;

import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.Phenotype;
import io.jenetics.engine.Constraint;
import io.jenetics.util.ISeq;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The genotype shared by {@code ga} and {@code nsga2}: one {@link IntegerChromosome} with one gene
 * per layer. Jenetics requires every gene of a chromosome to have the same range, so genes range
 * over {@code [0, M)} with {@code M} the largest allowed-choice count, and gene value {@code g} of
 * layer {@code l} decodes to its allowed choice number {@code floor(g * n_l / M)} — every allowed
 * choice gets {@code floor} or {@code ceil(M / n_l)} gene values, near uniform, and crossover and
 * mutation work unchanged. Forbidden and pinned choices can never be decoded.
 */
final class Genome {
    final SearchProblem problem;
    final int m;

    Genome(SearchProblem problem) {
        this.problem = problem;
        int mx = 1;
        for (int l = 0; l < problem.layerCount(); l++) {
            mx = Math.max(mx, problem.allowedChoicesUnsafe(l).length);
        }
        this.m = Math.max(2, mx); // a range of one value is not allowed by Jenetics
    }

    Genotype<IntegerGene> factoryTemplate() {
        return Genotype.of(IntegerChromosome.of(0, m, problem.layerCount()));
    }

    int[] decode(Genotype<IntegerGene> gt) {
        var ch = gt.chromosome();
        int[] cfg = new int[problem.layerCount()];
        for (int l = 0; l < cfg.length; l++) {
            int[] al = problem.allowedChoicesUnsafe(l);
            int k = (int) Math.min(al.length - 1, (long) ch.get(l).intValue() * al.length / m);
            cfg[l] = al[k];
        }
        return cfg;
    }

    Genotype<IntegerGene> encode(int[] cfg) {
        List<IntegerGene> genes = new ArrayList<>(cfg.length);
        for (int l = 0; l < cfg.length; l++) {
            int[] al = problem.allowedChoicesUnsafe(l);
            int k = java.util.Arrays.binarySearch(al, cfg[l]);
            if (k < 0) {
                throw new IllegalArgumentException(
                        "layer " + problem.space().layer(l) + ": choice " + cfg[l] + " not allowed");
            }
            int g = (int) ((k * (long) m + al.length - 1) / al.length); // ceil(k * m / n)
            genes.add(IntegerGene.of(g, 0, m));
        }
        return Genotype.of(IntegerChromosome.of(ISeq.of(genes)));
    }

    /**
     * Budget handling by repair: an infeasible genotype is replaced by its greedy repair (see
     * {@link Heuristics#repair}); if that fails, by the feasible construction.
     */
    <C extends Comparable<? super C>> Constraint<IntegerGene, C> repairConstraint() {
        return new Constraint<>() {
            @Override
            public boolean test(Phenotype<IntegerGene, C> pt) {
                return problem.feasible(decode(pt.genotype()));
            }

            @Override
            public Phenotype<IntegerGene, C> repair(Phenotype<IntegerGene, C> pt, long generation) {
                int[] cfg = decode(pt.genotype());
                if (!Heuristics.repair(problem, cfg)) {
                    int[] c = Heuristics.construct(problem);
                    if (c != null) {
                        cfg = c;
                    }
                }
                return Phenotype.of(encode(cfg), generation);
            }
        };
    }

    /** Warm-start genotypes: the greedy config and the feasible construction (when found). */
    List<Genotype<IntegerGene>> warmStart() {
        List<Genotype<IntegerGene>> out = new ArrayList<>();
        int[] g = Heuristics.greedy(problem);
        if (g != null) {
            out.add(encode(g));
        }
        int[] c = Heuristics.construct(problem);
        if (c != null) {
            out.add(encode(c));
        }
        return out;
    }

    static RandomGenerator random(long seed) {
        return new SplittableRandom(seed);
    }
}
