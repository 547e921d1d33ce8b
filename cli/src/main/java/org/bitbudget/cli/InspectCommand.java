package org.bitbudget.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ops.inspect.LayerSummary;
import org.bitbudget.ops.inspect.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bitbudget inspect}: the layer table of a model and its totals. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Print the quantizable layers of a model (Conv, Gemm, MatMul with constant weights): "
                    + "weight shape, parameters, MACs and input/output shapes per sample (batch 1), and the totals."
        })
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        Graph graph = model.load();
        ModelSummary summary;
        try {
            summary = ModelSummary.of(graph);
        } catch (UserInputException e) {
            throw e.within(model.model.toString());
        }
        if (json.json) {
            System.out.println(JsonOption.toJson(toJson(summary)));
        } else {
            System.out.print(table(summary));
        }
        return 0;
    }

    static Map<String, Object> toJson(ModelSummary s) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerSummary l : s.layers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", l.name());
            row.put("op", l.layer().opType());
            row.put("weight_shape", l.layer().weightShape().dims());
            row.put("params", l.layer().params());
            row.put("macs", l.macs());
            row.put("input_shape", l.inputShape().dims());
            row.put("output_shape", l.outputShape().dims());
            layers.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", s.graph().name());
        out.put("opset", s.graph().opset());
        out.put("layers", layers);
        out.put("params", s.params());
        out.put("macs", s.macs());
        return out;
    }

    static String table(ModelSummary s) {
        StringBuilder b = new StringBuilder();
        String format = "%-24s %-7s %-16s %10s %12s %-16s %s%n";
        b.append(String.format(format, "layer", "op", "weight shape", "params", "MACs", "input", "output"));
        for (LayerSummary l : s.layers()) {
            b.append(String.format(
                    format,
                    l.name(),
                    l.layer().opType(),
                    l.layer().weightShape(),
                    String.format("%,d", l.layer().params()),
                    String.format("%,d", l.macs()),
                    l.inputShape(),
                    l.outputShape()));
        }
        b.append(String.format(
                format,
                "total (" + s.layers().size() + " layers)",
                "",
                "",
                String.format("%,d", s.params()),
                String.format("%,d", s.macs()),
                "",
                ""));
        b.append("shapes and MACs are per sample (batch 1)").append(System.lineSeparator());
        return b.toString();
    }
}
