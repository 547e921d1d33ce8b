package org.bitbudget.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.onnx.ImportSurvey;
import org.bitbudget.ops.inspect.ActivationLayerSummary;
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
                    + "weight shape, parameters, MACs and input/output shapes per sample (batch 1), and the totals. "
                    + "A model with unsupported operators lists them all (type, node count, first node) "
                    + "with the layers it could read, and exits with code 2. Then the coupling groups: layers "
                    + "that share one activation format in a search (inputs of a residual Add or a Concat, "
                    + "layers reading one input)."
        })
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() {
        ImportSurvey survey = model.survey();
        if (!survey.complete()) {
            return partial(survey);
        }
        Graph graph = model.checked(survey.graph());
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

    /**
     * A model with unsupported operators: every one of them at once, and the layers of the part that
     * could be read (their shapes and MACs need the whole graph), then exit code 2.
     */
    private int partial(ImportSurvey survey) {
        List<ImportSurvey.Unsupported> missing = survey.unsupported();
        int nodes = missing.stream().mapToInt(ImportSurvey.Unsupported::count).sum();
        if (json.json) {
            System.out.println(JsonOption.toJson(partialJson(survey)));
        } else {
            StringBuilder b = new StringBuilder();
            b.append(String.format("unsupported operators (%d types, %d nodes):%n", missing.size(), nodes));
            String format = "  %-24s %6s  %s%n";
            b.append(String.format(format, "op", "nodes", "first node"));
            for (ImportSurvey.Unsupported u : missing) {
                b.append(String.format(format, u.opType(), u.count(), u.firstNode()));
            }
            b.append(String.format(
                    "layers read (without the unsupported nodes; shapes and MACs need the whole model):%n"));
            String rows = "  %-24s %-7s %-16s %10s%n";
            b.append(String.format(rows, "layer", "op", "weight shape", "params"));
            for (Layer l : survey.graph().layers()) {
                b.append(String.format(rows, l.name(), l.opType(), l.weightShape(), String.format("%,d", l.params())));
            }
            System.out.print(b);
        }
        System.out.flush();
        System.err.println("bitbudget: " + model.model + ": " + nodes + " nodes of " + missing.size()
                + " unsupported operator types ("
                + missing.stream().map(ImportSurvey.Unsupported::opType).collect(Collectors.joining(", "))
                + ")");
        return 2;
    }

    static Map<String, Object> partialJson(ImportSurvey survey) {
        List<Map<String, Object>> missing = new ArrayList<>();
        for (ImportSurvey.Unsupported u : survey.unsupported()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("op", u.opType());
            row.put("count", u.count());
            row.put("first_node", u.firstNode());
            row.put("reason", u.reason());
            missing.add(row);
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Layer l : survey.graph().layers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", l.name());
            row.put("op", l.opType());
            row.put("weight_shape", l.weightShape().dims());
            row.put("params", l.params());
            layers.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", survey.graph().name());
        out.put("opset", survey.graph().opset());
        out.put("complete", false);
        out.put("unsupported", missing);
        out.put("layers", layers);
        return out;
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
        if (!s.activationLayers().isEmpty()) {
            List<Map<String, Object>> activationOnly = new ArrayList<>();
            for (ActivationLayerSummary l : s.activationLayers()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", l.name());
                row.put("op", l.layer().opType());
                row.put("macs", l.macs());
                row.put(
                        "input_shapes",
                        List.of(l.leftShape().dims(), l.rightShape().dims()));
                row.put("output_shape", l.outputShape().dims());
                activationOnly.add(row);
            }
            out.put("activation_layers", activationOnly);
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        for (CouplingGroups.Group g : CouplingGroups.of(s.graph()).groups()) {
            groups.add(Map.of("layers", g.layers(), "reasons", g.reasons()));
        }
        out.put("coupling_groups", groups);
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
        if (!s.activationLayers().isEmpty()) {
            String rows = "%-24s %-7s %12s %-16s %-16s %s%n";
            b.append(String.format("activation-only layers (MatMul between two activations: "
                    + "activation formats only, MACs not in the total):%n"));
            b.append(String.format(rows, "layer", "op", "MACs", "input A", "input B", "output"));
            for (ActivationLayerSummary l : s.activationLayers()) {
                b.append(String.format(
                        rows,
                        l.name(),
                        l.layer().opType(),
                        String.format("%,d", l.macs()),
                        l.leftShape(),
                        l.rightShape(),
                        l.outputShape()));
            }
        }
        List<CouplingGroups.Group> groups = CouplingGroups.of(s.graph()).groups();
        if (!groups.isEmpty()) {
            b.append(String.format("coupling groups (one activation format each in a search; --coupling):%n"));
            for (CouplingGroups.Group g : groups) {
                b.append(String.format("  %s  (%s)%n", String.join(", ", g.layers()), String.join("; ", g.reasons())));
            }
        }
        b.append("shapes and MACs are per sample (batch 1)").append(System.lineSeparator());
        return b.toString();
    }
}
