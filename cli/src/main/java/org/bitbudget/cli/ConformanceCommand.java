package org.bitbudget.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.cli.conformance.CaseResult;
import org.bitbudget.cli.conformance.ConformanceRunner;
import org.bitbudget.ir.UserInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bitbudget conformance}: ONNX backend test cases through the float engine. */
@Command(
        name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Run ONNX backend test cases (folders with model.onnx and test_data_set_*/) through the "
                    + "float engine and report each as passed, failed (with its error) or unsupported (with the op).",
            "A DIR may be one case or a folder of cases, e.g. /usr/share/libonnx-testdata/data/node.",
            "Exit code: 0 when no case failed, 1 when one did, 2 for bad arguments."
        })
final class ConformanceCommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Option(names = "--rtol", defaultValue = "1e-4", description = "Relative tolerance (default: ${DEFAULT-VALUE})")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-5", description = "Absolute tolerance (default: ${DEFAULT-VALUE})")
    double atol;

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Test case folders or folders of them")
    List<Path> dirs;

    @Override
    public Integer call() {
        if (!(rtol >= 0) || !Double.isFinite(rtol)) {
            throw new UserInputException("--rtol", "must be a finite number, 0 or more, got " + rtol);
        }
        if (!(atol >= 0) || !Double.isFinite(atol)) {
            throw new UserInputException("--atol", "must be a finite number, 0 or more, got " + atol);
        }
        List<Path> cases = new ArrayList<>();
        for (Path d : dirs) {
            cases.addAll(ConformanceRunner.cases(d));
        }
        ConformanceRunner runner = new ConformanceRunner(rtol, atol);
        List<CaseResult> results = new ArrayList<>();
        try (Progress progress = Progress.start("conformance", cases.size(), "cases")) {
            for (Path c : cases) {
                results.add(runner.run(c));
                progress.stepBy(1);
            }
        }
        Map<CaseResult.Status, Integer> counts = new LinkedHashMap<>();
        for (CaseResult.Status s : CaseResult.Status.values()) {
            counts.put(s, 0);
        }
        results.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
        if (json.json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CaseResult r : results) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", r.name());
                row.put("status", r.status().name().toLowerCase(Locale.ROOT));
                row.put("op", r.op());
                row.put("max_abs_error", Double.isNaN(r.maxAbsError()) ? null : r.maxAbsError());
                row.put("max_rel_error", Double.isNaN(r.maxRelError()) ? null : r.maxRelError());
                if (!r.detail().isEmpty()) {
                    row.put("detail", r.detail());
                }
                rows.add(row);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cases", rows);
            out.put("passed", counts.get(CaseResult.Status.PASSED));
            out.put("failed", counts.get(CaseResult.Status.FAILED));
            out.put("unsupported", counts.get(CaseResult.Status.UNSUPPORTED));
            System.out.println(JsonOption.toJson(out));
        } else {
            for (CaseResult r : results) {
                String what = switch (r.status()) {
                    case PASSED -> String.format(Locale.ROOT, "max abs error %.3g", r.maxAbsError());
                    case FAILED, UNSUPPORTED -> r.detail();
                };
                System.out.printf("%-11s %-55s %s%n", r.status().name().toLowerCase(Locale.ROOT), r.name(), what);
            }
            System.out.printf(
                    "%d passed, %d failed, %d unsupported%n",
                    counts.get(CaseResult.Status.PASSED),
                    counts.get(CaseResult.Status.FAILED),
                    counts.get(CaseResult.Status.UNSUPPORTED));
        }
        return counts.get(CaseResult.Status.FAILED) > 0 ? BitBudgetCli.INTERNAL_ERROR : 0;
    }
}
