package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.onnx.QdqExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget export}: write a precision config as standard QuantizeLinear/DequantizeLinear ONNX. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write the model quantized by a precision config as standard QDQ ONNX (opset 13, or the model's "
                    + "own or the one its operators need if higher): integer "
                    + "weights as int8 codes + DequantizeLinear (per-channel axis; int4/int3/int2 codes stored in int8 "
                    + "with their own scale), quantized layer inputs as QuantizeLinear -> DequantizeLinear (uint8 or "
                    + "int8 zero point), minifloat and other weights as fake-quantized float initializers.",
            "Activation ranges are calibrated on the train split of --data."
        })
final class ExportCommand implements Callable<Integer> {
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

    @Option(names = "--out", paramLabel = "M.qdq.onnx", required = true, description = "Where to write the model")
    Path out;

    @Override
    public Integer call() throws IOException {
        AtomicOutput.checkFolder("--out", out);
        Graph graph = model.load(dataOptions, Split.TRAIN);
        PrecisionConfig precision = quantize.load(config, graph);
        QuantizedGraph q = quantize.apply(precision, config, graph, model.model, dataOptions, Split.TRAIN);
        Map<String, String> metadata = new LinkedHashMap<>(graph.metadata());
        metadata.put("bitbudget.precision", PrecisionConfigs.toJson(FakeQuantization.applied(q, precision)));
        metadata.put("bitbudget.export", "qdq");
        QdqExporter.Export export;
        try {
            export = QdqExporter.export(graph, q, metadata);
        } catch (UserInputException e) {
            throw e.within(config.toString());
        }
        AtomicOutput.write("--out", out, export.bytes());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (QdqExporter.LayerExport l : export.layers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", l.layer());
            row.put("weights", l.weights());
            row.put("activations", l.activations());
            layers.add(row);
        }
        if (json.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("out", out.toString());
            result.put("opset", export.opset());
            result.put("layers", layers);
            System.out.println(JsonOption.toJson(result));
        } else {
            layers.forEach(r -> System.out.printf(
                    "%-24s weights %-10s input %s%n", r.get("name"), r.get("weights"), r.get("activations")));
            System.out.println("wrote " + out + " (opset " + export.opset() + ")");
        }
        return 0;
    }
}
