package org.bitbudget.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.costs.SizeCost;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.precision.RuntimeTarget;
import org.bitbudget.onnx.QdqExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bitbudget export}: write a precision config as standard QuantizeLinear/DequantizeLinear ONNX. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write the model quantized by a precision config as standard QDQ ONNX: integer weights as codes + "
                    + "DequantizeLinear (per-channel axis) in the narrowest container ONNX has (INT4/UINT4 packed "
                    + "two a byte at opset 21 for formats of at most 4 bits, INT8/UINT8 otherwise; --container int8 "
                    + "for opset 13), quantized layer inputs as QuantizeLinear -> DequantizeLinear (uint8 or int8 "
                    + "zero point), minifloat and other weights as fake-quantized float initializers.",
            "Activation ranges come from the config's encodings (a search's config.json has them); inputs "
                    + "without one are calibrated on the train split of --data."
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

    @Writes
    @Option(names = "--out", paramLabel = "M.qdq.onnx", required = true, description = "Where to write the model")
    Path out;

    @Mixin
    TargetOption target;

    @Option(
            names = "--container",
            paramLabel = "narrowest|int8",
            defaultValue = "narrowest",
            description = "How weight codes are stored: narrowest (INT4/UINT4 for formats of at most 4 bits, "
                    + "opset 21) or int8 (every code in 8 bits, opset 13, for older runtimes) "
                    + "(default: ${DEFAULT-VALUE})")
    String container;

    @Override
    public Integer call() throws IOException {
        AtomicOutput.checkFolder("--out", out);
        QdqExporter.Container storage = switch (container) {
            case "narrowest" -> QdqExporter.Container.NARROWEST;
            case "int8" -> QdqExporter.Container.INT8;
            default -> throw new UserInputException("--container", "'" + container + "' is not narrowest or int8");
        };
        Graph graph = model.load(dataOptions, Split.TRAIN);
        PrecisionConfig configured = quantize.load(config, graph);
        RuntimeTarget.Adjusted adjusted = target.adjust(configured, graph);
        List<String> targetNotes = target.notes(adjusted, configured, graph);
        PrecisionConfig precision = adjusted.config();
        boolean calibrates = FakeQuantization.needsCalibration(graph, precision);
        QuantizedGraph q = quantize.apply(precision, config, graph, model.model, dataOptions, Split.TRAIN);
        Map<String, String> metadata = new LinkedHashMap<>(graph.metadata());
        // The recorded config carries the encodings the export used, so it is itself self-contained.
        metadata.put("bitbudget.precision", PrecisionConfigs.toJson(precision.withEncodings(q.encodings())));
        metadata.put("bitbudget.export", "qdq");
        QdqExporter.Export export;
        try {
            export = QdqExporter.export(graph, q, metadata, storage);
        } catch (UnsupportedModelException e) {
            // Something of the model's (a node, a shared weight), not of the config.
            throw e.within(model.model.toString());
        } catch (UserInputException e) {
            throw e.within(config.toString());
        }
        AtomicOutput.write("--out", out, export.bytes());
        long pricedBits = 0;
        for (LayerInfo l : LayerInfo.of(graph)) {
            pricedBits += SizeCost.bits(l, precision.of(l.name()).weights());
        }
        long priced = Math.ceilDiv(pricedBits, 8);
        String ranges = q.encodings().isEmpty() ? "none" : calibrates ? "calibrated" : "config";
        List<Map<String, Object>> layers = new ArrayList<>();
        for (QdqExporter.LayerExport l : export.layers()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", l.layer());
            row.put("weights", l.weights());
            row.put("activations", l.activations());
            row.put("weight_bytes", l.weightBytes());
            layers.add(row);
        }
        if (json.json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("out", out.toString());
            result.put("opset", export.opset());
            result.put("container", container);
            result.put("bytes", export.bytes().length);
            result.put("priced_bytes", priced);
            result.put("activation_ranges", ranges);
            result.put("target", target.target().label());
            result.put(
                    "target_changes",
                    adjusted.changes().stream()
                            .map(RuntimeTarget.Change::describe)
                            .toList());
            result.put("layers", layers);
            System.out.println(JsonOption.toJson(result));
        } else {
            layers.forEach(r -> System.out.printf(
                    Locale.ROOT,
                    "%-24s weights %-10s %8s  input %s%n",
                    r.get("name"),
                    r.get("weights"),
                    (long) r.get("weight_bytes") > 0 ? r.get("weight_bytes") + " B" : "",
                    r.get("activations")));
            targetNotes.forEach(System.out::println);
            System.out.printf(
                    Locale.ROOT,
                    "activation ranges: %s%n",
                    switch (ranges) {
                        case "config" -> "the config's encodings (not calibrated again)";
                        case "calibrated" -> "calibrated on " + quantize.calibrationImages + " train images";
                        default -> "none (float inputs)";
                    });
            System.out.printf(
                    Locale.ROOT,
                    "wrote %s: %,d bytes on disk (opset %d, %s container); the size model prices the config at "
                            + "%,d bytes (%s)%n",
                    out,
                    export.bytes().length,
                    export.opset(),
                    container,
                    priced,
                    "weights, scales, zero points, 32-bit biases");
        }
        return 0;
    }
}
