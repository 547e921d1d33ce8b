package org.bitbudget.search;

import java.util.List;
import java.util.Locale;

/**
 * Timed check of the ILP (issue 9's "done when"): a synthetic 50-layer x 20-precision x 3-budget
 * problem should solve in under a second and a 50-point Pareto sweep in under 10 s. Reports times
 * only, as a program, not a test (tests never assert wall times): after
 * {@code mvn -pl search -am test-compile}, run {@code java -cp <test classes, classes, dependencies>
 * org.bitbudget.search.IlpSpeedCheck [seeds]}.
 */
public class IlpSpeedCheck {
    public static void main(String[] args) {
        int problems = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        SearchControl control = SearchControl.builder().seed(1).build();
        // warm-up (JIT) on one problem
        new IlpStrategy().search(SyntheticProblems.make(999, 50, 20, 3, 0.3), control);
        for (int i = 1; i <= problems; i++) {
            for (double tight : new double[] {0.15, 0.3, 0.6}) {
                SearchProblem p = SyntheticProblems.make(i, 50, 20, 3, tight);
                long t0 = System.nanoTime();
                IlpStrategy.Solution s = IlpStrategy.solve(p, control);
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf(
                        Locale.ROOT,
                        "ilp 50x20x3 seed %d tightness %.2f: %.1f ms, optimal=%s, damage=%.9f, variables kept %d of 1000%n",
                        i,
                        tight,
                        ms,
                        s.optimal(),
                        p.damage(s.config()),
                        s.keptVariables());
            }
        }
        for (int i = 1; i <= Math.min(problems, 3); i++) {
            SearchProblem p = SyntheticProblems.make(i, 50, 20, 3, 0.6);
            long t0 = System.nanoTime();
            List<ParetoSweep.Point> pts = ParetoSweep.run(p, "size", 50, null, control);
            double s = (System.nanoTime() - t0) / 1e9;
            long optimal = pts.stream().filter(ParetoSweep.Point::optimal).count();
            System.out.printf(
                    Locale.ROOT,
                    "pareto sweep 50 points (size; bops, latency budgets kept) seed %d: %.2f s, %d distinct points, %d proven optimal%n",
                    i,
                    s,
                    pts.size(),
                    optimal);
        }
    }
}
