package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.onnx.FakeQuantizedExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget quantize}: write a model with fake-quantized weights and activations as ONNX. */
@Command(
        name = "quantize",
        mixinStandardHelpOptions = true,
        description = {
            "Apply a precision config and write the fake-quantized model as ONNX: quantized weights "
                    + "are stored as their float values, quantized layer inputs become "
                    + "Div-Round-Add-Clip-Sub-Mul chains. ONNX Runtime reproduces BitBudget's logits.",
            "Activation ranges are calibrated on the train split of --data."
        })
final class QuantizeCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    JsonOption json;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    QuantizeOptions quantize;

    @Option(names = "--config", paramLabel = "C.json", required = true, description = "Precision config (JSON or YAML)")
    Path config;

    @Writes
    @Option(names = "--out", paramLabel = "Q.onnx", required = true, description = "Where to write the model")
    Path out;

    @Override
    public Integer call() throws IOException {
        Graph graph = model.load(dataOptions, Split.TRAIN);
        PrecisionConfig precision = quantize.load(config, graph);
        QuantizedGraph q = quantize.apply(precision, config, graph, model.model, dataOptions, Split.TRAIN);
        Set<String> changed = q.replacedInitializers();
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerQuantization l : q.layers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", l.layer().name());
            row.put("weights", l.precision().weights().toString());
            row.put("activations", l.precision().activations().toString());
            if (l.activations() != null) {
                row.put("activation_scale", l.activations().scale());
                row.put("activation_zero_point", l.activations().zeroPoint());
            }
            layers.add(row);
        }
        byte[] bytes;
        try {
            bytes = FakeQuantizedExport.export(
                    model.model,
                    q.graph(),
                    changed,
                    Map.of("bitbudget.precision", PrecisionConfigs.toJson(FakeQuantization.applied(q, precision))));
        } catch (UserInputException e) {
            throw e.within(config.toString());
        }
        AtomicOutput.write("--out", out, bytes);
        if (json.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("out", out.toString());
            result.put("layers", layers);
            System.out.println(JsonOption.toJson(result));
        } else {
            layers.forEach(
                    r -> System.out.printf("%-24s W:%s A:%s%n", r.get("name"), r.get("weights"), r.get("activations")));
            System.out.println("wrote " + out);
        }
        return 0;
    }
}
