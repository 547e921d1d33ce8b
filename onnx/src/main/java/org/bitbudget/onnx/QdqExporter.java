package org.bitbudget.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.ActivationQuantization;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Writes a quantized model as standard ONNX QDQ: the form ONNX Runtime and other runtimes recognise as a
 * quantized model, at the opset {@link OnnxExporter#opset} chooses (13, where per-axis QuantizeLinear and
 * DequantizeLinear begin, or the model's own or its operators' if higher; 21 when a weight is stored in
 * 4 bits).
 *
 * <ul>
 *   <li><b>Integer weights</b> (signed {@code int2}…{@code int8}, {@code intN-full} and unsigned
 *       {@code uint2}…{@code uint8}, per tensor or per channel, without residual) become an initializer of
 *       codes, a float scale per channel (or one) and a zero point (0 for signed formats, the quantizer's
 *       for unsigned ones), then {@code DequantizeLinear} (with {@code axis} = the channel axis for
 *       per-channel) whose output keeps the weight's original name. The codes are stored in the narrowest
 *       container ONNX has ({@link Container#NARROWEST}): {@code INT4}/{@code UINT4}, packed two a byte,
 *       for formats of at most 4 bits (int4, int3 and int2 alike: ONNX has no narrower element type
 *       before {@code INT2} in ONNX 1.20, which these protobuf classes and ONNX Runtime 1.23 do not know),
 *       {@code INT8}/{@code UINT8} for the others; {@link Container#INT8} stores every code in 8 bits, at
 *       opset 13, for runtimes without 4-bit types.</li>
 *   <li><b>Other weights</b> — minifloats (FP8/FP6/FP4), per-vector scales, residuals, binary and
 *       ternary — are written as fake-quant float initializers: their dequantized values.</li>
 *   <li><b>Quantized layer inputs</b> (integer formats of at most 8 bits) get
 *       {@code QuantizeLinear → DequantizeLinear} before the layer, with a {@code uint8} zero point for
 *       unsigned formats and an {@code int8} one for signed formats. When the format's range is narrower
 *       than the storage type's (uint4, int4, symmetric int8's −127…127), a {@code Clip} to the format's
 *       real range comes first, so the codes stay in the format. Minifloat and binary activations have
 *       no QDQ form and are refused by name.</li>
 *   <li><b>Activation-only layers</b> (a MatMul between two activations) get such a chain on each
 *       operand, with the operand's own scale and zero point; their weights are reported as
 *       {@code none}.</li>
 *   <li><b>Bias-corrected layers</b> read their corrected bias (on its grid, as below), a new float
 *       initializer named as {@link QuantizedGraph#correctedBiasName} says (a Conv or Gemm without a bias
 *       gets the input).</li>
 *   <li><b>Biases</b> are the ones the layers compute with ({@link org.bitbudget.ir.precision.BiasGrid}):
 *       float values on the int32 grid of input scale × weight scale when the input is quantized, which
 *       ONNX Runtime's fused integer kernels turn back into exactly the int32 codes BitBudget adds.</li>
 *   <li><b>Names</b>: the tensors the export adds are named short and by layer (layer i's weight codes
 *       {@code wi}, their scale {@code wi.s} and zero point {@code wi.z}; its quantized input
 *       {@code xi.q}, dequantized {@code xi}, with {@code xi.s}, {@code xi.z} and, for a Clip,
 *       {@code xi.lo}/{@code xi.hi}; a numbered suffix where the model uses the name), the nodes it adds
 *       are unnamed, and a constant equal to one already added (every zero point 0 of a uint8 input,
 *       the zero vector of layers of as many channels) is stored once.</li>
 * </ul>
 * The weight codes are computed with the same {@link RangeSearch} rule as fake quantization, and
 * checked: (code − zero point) × scale equals the fake-quantized weight bit for bit.
 */
public final class QdqExporter {
    private QdqExporter() {}

    /** The opset where ONNX's 4-bit element types and DequantizeLinear of them begin. */
    public static final int INT4_OPSET = 21;

    /** How integer weight codes are stored. */
    public enum Container {
        /** {@code INT4}/{@code UINT4} (packed, opset 21) for formats of at most 4 bits, 8 bits otherwise. */
        NARROWEST,
        /** 8 bits for every code, at opset 13: for runtimes without ONNX's 4-bit types. */
        INT8
    }

    /**
     * What happened to one layer.
     *
     * @param weightBytes the bytes of the layer's stored weight codes (the packed payload), 0 when its
     *                    weights are not stored as codes
     */
    public record LayerExport(String layer, String weights, String activations, long weightBytes) {}

    /**
     * The exported model.
     *
     * @param bytes  the ONNX model
     * @param layers per layer: {@code qdq-int4}, {@code qdq-uint4}, {@code qdq-int8}, {@code qdq-uint8}
     *               (the container of the codes), {@code fake-quant} or {@code float} for the weights
     *               ({@code none} for an activation-only layer, listed after the others);
     *               {@code qdq-uint8}/{@code qdq-int8} or {@code float} for the input
     * @param opset  the default-domain opset written
     */
    public record Export(byte[] bytes, List<LayerExport> layers, int opset) {}

    /**
     * Exports {@code graph} (the float model) quantized as {@code quantized} (its
     * {@code FakeQuantization.apply}) as QDQ ONNX in the {@link Container#NARROWEST} containers, with
     * {@code metadata} as metadata properties.
     */
    public static Export export(Graph graph, QuantizedGraph quantized, Map<String, String> metadata) {
        return export(graph, quantized, metadata, Container.NARROWEST);
    }

    /** {@link #export(Graph, QuantizedGraph, Map)} with the weight codes in {@code container}. */
    public static Export export(
            Graph graph, QuantizedGraph quantized, Map<String, String> metadata, Container container) {
        boolean packed = quantized.layers().stream()
                .anyMatch(lq -> isQdqWeight(lq.precision().weights())
                        && storage(lq.precision().weights().format(), container).packed());
        ModelProto model;
        try {
            model = ModelProto.parseFrom(
                    OnnxExporter.toBytes(graph, metadata, packed ? INT4_OPSET : OnnxExporter.MIN_OPSET));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw new UnsupportedModelException("graph " + graph.name(), "export", e.getMessage());
        }
        GraphProto.Builder g = model.getGraph().toBuilder();
        Map<String, Integer> initializerIndex = new HashMap<>();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            initializerIndex.put(g.getInitializer(i).getName(), i);
        }
        GeneratedNames names = new GeneratedNames(g);
        GeneratedInitializers constants = new GeneratedInitializers(g);
        int index = 0;
        Map<String, List<NodeProto>> before = new LinkedHashMap<>();
        Map<String, Map<Integer, String>> rewired = new HashMap<>();
        List<NodeProto> weightNodes = new ArrayList<>();
        List<LayerExport> report = new ArrayList<>();
        Map<String, Map.Entry<Integer, String>> correctedBias = new HashMap<>();
        Map<String, Integer> weightUses = new HashMap<>();
        for (Layer l : graph.layers()) {
            weightUses.merge(l.weightName(), 1, Integer::sum);
        }
        for (LayerQuantization lq : quantized.layers()) {
            Layer layer = lq.layer();
            int i = index++;
            String weightMode = "float";
            long weightBytes = 0;
            QuantizerSpec w = lq.precision().weights();
            if (w.quantizes()) {
                Integer at = initializerIndex.get(layer.weightName());
                if (at == null || weightUses.get(layer.weightName()) > 1) {
                    throw new UnsupportedModelException(
                            "layer " + layer.name(),
                            "weight " + layer.weightName(),
                            "QDQ export needs each layer's weight to be its own initializer");
                }
                Tensor fake = quantized.graph().initializers().get(layer.weightName());
                if (isQdqWeight(w)) {
                    int axis = QuantizedGraph.channelAxis(layer);
                    Tensor original = graph.initializers().get(layer.weightName());
                    WeightCodes codes = lq.accumulator() != null
                            ? constrainedCodes(lq.accumulator(), original.shape(), axis, w)
                            : codes(original, axis, w, fake, layer.name());
                    Storage storage = storage(w.format(), container);
                    TensorProto stored = storage.proto(names.fresh("w" + i), codes.codes());
                    g.setInitializer(at, stored);
                    weightBytes = stored.getRawData().size();
                    NodeProto.Builder dq = NodeProto.newBuilder()
                            .setOpType("DequantizeLinear")
                            .addInput(stored.getName())
                            .addInput(constants.add(TensorProtos.toProto(names.fresh("w" + i + ".s"), codes.scales())))
                            .addInput(constants.add(storage.proto(names.fresh("w" + i + ".z"), codes.zeroPoints())))
                            .addOutput(layer.weightName());
                    if (codes.scales().shape().rank() == 1) {
                        dq.addAttribute(AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(axis));
                    }
                    weightNodes.add(dq.build());
                    weightMode = "qdq-" + storage.label();
                } else {
                    g.setInitializer(at, TensorProtos.toProto(layer.weightName(), fake));
                    weightMode = "fake-quant";
                }
            }
            Integer biasAt = layer.biasName() == null ? null : initializerIndex.get(layer.biasName());
            if (lq.correctedBias() != null) {
                String name = QuantizedGraph.correctedBiasName(layer);
                g.addInitializer(TensorProtos.toProto(name, lq.correctedBias()));
                correctedBias.put(layer.name(), Map.entry(layer.node().op().biasInput(), name));
            } else if (biasAt != null) {
                // The bias the layer computes with (BiasGrid): on the int32 grid of input x weight scale,
                // which ONNX Runtime's fused integer kernels recover exactly as their int32 bias.
                g.setInitializer(
                        biasAt,
                        TensorProtos.toProto(
                                layer.biasName(),
                                quantized.graph().initializers().get(layer.biasName())));
            }
            String inputMode = "float";
            if (lq.activations() != null) {
                NumberFormat f = qdqActivation(layer.name(), lq.precision().activations());
                String in = layer.node().input(0);
                List<NodeProto> chain = activationChain(names, constants, in, "x" + i, f, lq.activations());
                before.put(layer.name(), chain);
                rewired.put(layer.name(), Map.of(0, chain.getLast().getOutput(0)));
                inputMode = f.unsigned() ? "qdq-uint8" : "qdq-int8";
            }
            report.add(new LayerExport(layer.name(), weightMode, inputMode, weightBytes));
        }
        for (ActivationQuantization aq : quantized.activationLayers()) {
            ActivationLayer layer = aq.layer();
            int at = index++;
            NumberFormat f = qdqActivation(layer.name(), aq.activations());
            List<NodeProto> chains = new ArrayList<>();
            Map<Integer, String> inputs = new HashMap<>();
            for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                String base = "x" + at + (i == 0 ? "" : "_" + i);
                List<NodeProto> chain = activationChain(
                        names,
                        constants,
                        layer.node().input(i),
                        base,
                        f,
                        aq.operands().get(i));
                chains.addAll(chain);
                inputs.put(i, chain.getLast().getOutput(0));
            }
            before.put(layer.name(), chains);
            rewired.put(layer.name(), inputs);
            report.add(new LayerExport(layer.name(), "none", f.unsigned() ? "qdq-uint8" : "qdq-int8", 0));
        }
        List<NodeProto> nodes = new ArrayList<>(weightNodes);
        for (NodeProto p : g.getNodeList()) {
            var bias = correctedBias.get(p.getName());
            if (bias != null) {
                NodeProto.Builder b = p.toBuilder();
                while (b.getInputCount() <= bias.getKey()) {
                    b.addInput("");
                }
                p = b.setInput(bias.getKey(), bias.getValue()).build();
            }
            List<NodeProto> chain = before.get(p.getName());
            if (chain != null) {
                nodes.addAll(chain);
                NodeProto.Builder b = p.toBuilder();
                rewired.get(p.getName()).forEach(b::setInput);
                p = b.build();
            }
            nodes.add(p);
        }
        g.clearNode().addAllNode(nodes);
        return new Export(model.toBuilder().setGraph(g).build().toByteArray(), report, (int)
                model.getOpsetImport(0).getVersion());
    }

    /** The format of a quantized layer input, which must have a QDQ form. */
    private static NumberFormat qdqActivation(String layer, QuantizerSpec spec) {
        NumberFormat f = spec.format();
        if (!f.isInteger() || f.signOnly() || f.bits() > 8) {
            // A config's choice, not the model's: the caller names the config.
            throw new UserInputException(
                    "layer " + layer,
                    "activation format " + f.name()
                            + " has no QDQ form; export supports integer activations of at most 8 bits");
        }
        return f;
    }

    /** True when QDQ integer storage (8 bits at most) represents {@code w} exactly. */
    private static boolean isQdqWeight(QuantizerSpec w) {
        NumberFormat f = w.format();
        return w.quantizes()
                && f.isInteger()
                && !f.signOnly()
                && f.bits() <= 8
                && f.minCode() >= (f.unsigned() ? 0 : -128)
                && f.maxCode() <= (f.unsigned() ? 255 : 127)
                && w.residual() == null
                && w.granularity().kind() != Granularity.Kind.PER_VECTOR;
    }

    /** The ONNX element type a weight format's codes are stored in. */
    private record Storage(boolean unsigned, boolean packed) {
        String label() {
            return (unsigned ? "uint" : "int") + (packed ? 4 : 8);
        }

        TensorProto proto(String name, Tensor codes) {
            return packed
                    ? TensorProtos.toPackedInt4(name, codes.shape(), codes.data(), unsigned)
                    : TensorProtos.toProto(
                            name, Tensor.of(unsigned ? DataType.UINT8 : DataType.INT8, codes.shape(), codes.data()));
        }
    }

    private static Storage storage(NumberFormat f, Container container) {
        boolean fits4 = f.unsigned() ? f.maxCode() <= 15 : f.minCode() >= -8 && f.maxCode() <= 7;
        return new Storage(f.unsigned(), container == Container.NARROWEST && fits4);
    }

    private record WeightCodes(Tensor codes, Tensor scales, Tensor zeroPoints) {}

    /**
     * Codes, scales and zero points with the fake quantizer's rule, checked against its output
     * {@code fake}: (code − zero point) × scale is what DequantizeLinear computes.
     */
    private static WeightCodes codes(Tensor weight, int axis, QuantizerSpec spec, Tensor fake, String layer) {
        Shape shape = weight.shape();
        int channels = shape.dim(axis);
        int k = shape.size() / channels;
        float[] w = weight.data();
        NumberFormat format = spec.format();
        boolean perTensor = spec.granularity().kind() == Granularity.Kind.PER_TENSOR;
        RangeSearch.Params tensorParams = perTensor ? RangeSearch.choose(w, w.length, format, spec.clipping()) : null;
        float[] codes = new float[w.length];
        float[] scales = new float[perTensor ? 1 : channels];
        float[] zeroPoints = new float[scales.length];
        float[] group = new float[k];
        for (int ch = 0; ch < channels; ch++) {
            for (int j = 0; j < k; j++) {
                group[j] = w[index(axis, channels, k, ch, j)];
            }
            RangeSearch.Params p = perTensor ? tensorParams : RangeSearch.choose(group, k, format, spec.clipping());
            scales[perTensor ? 0 : ch] = p.scale();
            float zp = p.zeroPoint();
            zeroPoints[perTensor ? 0 : ch] = zp;
            for (int j = 0; j < k; j++) {
                int at = index(axis, channels, k, ch, j);
                // RangeSearch.Params.apply: with a zero point the value is rounded before it is shifted.
                float code =
                        format.quantize(zp == 0f ? group[j] / p.scale() : (float) Math.rint(group[j] / p.scale()) + zp);
                codes[at] = code;
                if ((code - zp) * p.scale() != fake.data()[at]) {
                    throw new IllegalStateException("layer " + layer + ": weight code " + code + " x scale " + p.scale()
                            + " differs from the fake-quantized value " + fake.data()[at]);
                }
            }
        }
        Shape scaleShape = perTensor ? Shape.of() : Shape.of(channels);
        return new WeightCodes(
                Tensor.of(shape, codes), Tensor.of(scaleShape, scales), Tensor.of(scaleShape, zeroPoints));
    }

    /** The codes and scales accumulator-aware quantization chose (channel ch's codes at {@code ch * k}). */
    private static WeightCodes constrainedCodes(AccumulatorAware.Result a, Shape shape, int axis, QuantizerSpec spec) {
        int channels = shape.dim(axis);
        int k = shape.size() / channels;
        float[] codes = new float[shape.size()];
        for (int ch = 0; ch < channels; ch++) {
            for (int j = 0; j < k; j++) {
                codes[index(axis, channels, k, ch, j)] = a.codes()[ch * k + j];
            }
        }
        boolean perTensor = spec.granularity().kind() == Granularity.Kind.PER_TENSOR;
        float[] scales = perTensor ? new float[] {a.scales()[0]} : a.scales().clone();
        Shape scaleShape = perTensor ? Shape.of() : Shape.of(channels);
        return new WeightCodes(
                Tensor.of(shape, codes),
                Tensor.of(scaleShape, scales),
                Tensor.of(scaleShape, new float[scales.length]));
    }

    /** Element (channel ch, value j) of a weight with channels on {@code axis} (0, or 1 of a matrix). */
    private static int index(int axis, int channels, int k, int ch, int j) {
        return axis == 0 ? ch * k + j : j * channels + ch;
    }

    /**
     * {@code [Clip →] QuantizeLinear → DequantizeLinear} of value {@code in}, its tensors named from
     * {@code base} ({@code base} itself for the dequantized output, {@code base.q} for the codes).
     */
    private static List<NodeProto> activationChain(
            GeneratedNames names,
            GeneratedInitializers constants,
            String in,
            String base,
            NumberFormat f,
            RangeSearch.Params params) {
        boolean unsigned = f.unsigned();
        DataType type = unsigned ? DataType.UINT8 : DataType.INT8;
        int typeMin = unsigned ? 0 : -128;
        int typeMax = unsigned ? 255 : 127;
        float scale = params.scale();
        float zeroPoint = params.zeroPoint();
        List<NodeProto> chain = new ArrayList<>();
        String x = in;
        if (f.minCode() != typeMin || f.maxCode() != typeMax) {
            String clipped = names.fresh(base + ".c");
            chain.add(NodeProto.newBuilder()
                    .setOpType("Clip")
                    .addInput(x)
                    .addInput(constants.add(scalar(names.fresh(base + ".lo"), (f.minCode() - zeroPoint) * scale)))
                    .addInput(constants.add(scalar(names.fresh(base + ".hi"), (f.maxCode() - zeroPoint) * scale)))
                    .addOutput(clipped)
                    .build());
            x = clipped;
        }
        String scaleName = constants.add(scalar(names.fresh(base + ".s"), scale));
        String zeroPointName = constants.add(
                TensorProtos.toProto(names.fresh(base + ".z"), Tensor.of(type, Shape.of(), new float[] {zeroPoint})));
        String codes = names.fresh(base + ".q");
        chain.add(NodeProto.newBuilder()
                .setOpType("QuantizeLinear")
                .addInput(x)
                .addInput(scaleName)
                .addInput(zeroPointName)
                .addOutput(codes)
                .build());
        chain.add(NodeProto.newBuilder()
                .setOpType("DequantizeLinear")
                .addInput(codes)
                .addInput(scaleName)
                .addInput(zeroPointName)
                .addOutput(names.fresh(base))
                .build());
        return chain;
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProtos.toProto(name, Tensor.of(Shape.of(), new float[] {value}));
    }
}
