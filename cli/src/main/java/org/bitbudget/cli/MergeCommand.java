package org.bitbudget.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.experiments.batch.Merge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bitbudget merge}: join the outputs of a batch's shards into one results CSV. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = {
            "Join batch outputs (shard folders or results CSVs) into one results CSV in grid order.",
            "Refuses a run found twice and inputs with different columns."
        })
final class MergeCommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Reads(inside = "results.csv")
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Batch output folders or results CSV files")
    List<Path> inputs;

    @Writes
    @Option(
            names = "--out",
            paramLabel = "results.csv",
            defaultValue = "results.csv",
            description = "The merged CSV (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        AtomicOutput.checkFolder("--out", out);
        Merge.Result r = Merge.merge(inputs, out);
        if (json.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("runs", r.rows().size());
            result.put("out", out.toString());
            result.put("inputs", inputs.stream().map(Path::toString).toList());
            System.out.println(JsonOption.toJson(result));
        } else {
            System.out.println("merged " + r.rows().size() + " runs from " + inputs.size() + " inputs into " + out);
        }
        return 0;
    }
}
