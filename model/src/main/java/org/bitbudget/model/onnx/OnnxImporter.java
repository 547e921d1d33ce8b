package org.bitbudget.model.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bitbudget.model.UnsupportedModelException;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.graph.Dimension;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.graph.Node;
import org.bitbudget.model.graph.Op;
import org.bitbudget.model.graph.ValueInfo;
import org.bitbudget.model.tensor.DataType;
import org.bitbudget.model.tensor.Tensor;

/**
 * Reads an ONNX model into the graph IR, checking everything the engine relies on so that a bad
 * model fails here with one line naming the file and the node.
 *
 * <pre>{@code
 * Graph g = OnnxImporter.load(Path.of("lenet5.onnx"));
 * g.layers().forEach(l -> System.out.println(l.name() + " " + l.weightShape()));
 * }</pre>
 */
public final class OnnxImporter {
    /** The newest default-domain opset whose semantics the importer knows. */
    public static final int MAX_OPSET = 21;

    /** The operator types the importer accepts, in the order the documentation lists them. */
    public static final List<String> SUPPORTED_OPS = List.of("Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div",
            "BatchNormalization", "Relu", "Clip", "Sigmoid", "MaxPool", "AveragePool", "GlobalAveragePool",
            "Flatten", "Reshape", "Concat", "Identity", "Constant", "Softmax", "Round");

    private final String file;
    private final int opset;

    private OnnxImporter(String file, int opset) {
        this.file = file;
        this.opset = opset;
    }

    /** Loads and checks the model in {@code path}. */
    public static Graph load(Path path) {
        String file = path.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserInputException(file, "no such file");
        } catch (IOException e) {
            throw new UserInputException(file, "cannot read: " + e.getMessage());
        }
        return parse(bytes, file);
    }

    /**
     * Parses a serialised {@code ModelProto}.
     *
     * @param file how errors name the model
     */
    public static Graph parse(byte[] bytes, String file) {
        if (bytes.length == 0) {
            throw new UserInputException(file, "empty file, not an ONNX model");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new UserInputException(file, "not a valid ONNX model (truncated or corrupt protobuf: "
                    + firstLine(e.getMessage()) + ")");
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0) {
            throw new UserInputException(file, "not an ONNX model (no ir_version or no graph)");
        }
        int opset = -1;
        for (OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = (int) id.getVersion();
            }
        }
        if (opset < 0) {
            if (model.getOpsetImportCount() > 0) {
                String domain = model.getOpsetImport(0).getDomain();
                throw new UnsupportedModelException(file, domain, "uses only the operator domain '" + domain
                        + "'; BitBudget supports the default ONNX domain");
            }
            throw new UserInputException(file, "imports no default-domain opset");
        }
        if (opset > MAX_OPSET) {
            throw new UserInputException(file, "opset " + opset + " is newer than the newest supported ("
                    + MAX_OPSET + ")");
        }
        return new OnnxImporter(file, opset).convert(model);
    }

    private Graph convert(ModelProto model) {
        var g = model.getGraph();
        Map<String, Tensor> constants = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            constants.put(t.getName(), checkedConstant(t, "initializer '" + t.getName() + "'"));
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!constants.containsKey(v.getName())) {
                inputs.add(valueInfo(v));
            }
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) {
            outputs.add(valueInfo(v));
        }

        Set<String> defined = new HashSet<>(constants.keySet());
        inputs.forEach(v -> defined.add(v.name()));
        Set<String> usedNames = new HashSet<>();
        List<Node> nodes = new ArrayList<>();
        Map<String, Integer> opCounters = new HashMap<>();
        for (NodeProto p : g.getNodeList()) {
            int index = opCounters.merge(p.getOpType(), 1, Integer::sum) - 1;
            String name = p.getName().isEmpty() ? p.getOpType() + "_" + index : p.getName();
            if (!usedNames.add(name)) {
                name = name + "_" + nodes.size();
                usedNames.add(name);
            }
            String where = "node " + name;
            if (!p.getDomain().isEmpty() && !p.getDomain().equals("ai.onnx")) {
                throw unsupported(where, p.getDomain() + "." + p.getOpType(), "operator " + p.getDomain() + "."
                        + p.getOpType() + " is not supported (only the default ONNX domain is)");
            }
            for (String in : p.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw error(where, "input '" + in + "' is not a graph input, an initializer or the output "
                            + "of an earlier node");
                }
            }
            if (p.getOpType().equals("Constant")) {
                if (p.getOutputCount() != 1) {
                    throw error(where, "Constant must have exactly one output");
                }
                constants.put(p.getOutput(0), constantValue(p, where));
                defined.add(p.getOutput(0));
                continue;
            }
            Op op = op(p, where, constants);
            checkArity(p, op, where);
            nodes.add(new Node(name, op, p.getInputList(), p.getOutputList()));
            defined.addAll(p.getOutputList());
        }
        for (ValueInfo out : outputs) {
            if (!defined.contains(out.name())) {
                throw new UserInputException(file, "graph output '" + out.name() + "' is produced by no node");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            metadata.put(e.getKey(), e.getValue());
        }
        String name = g.getName().isEmpty() ? Path.of(file).getFileName().toString() : g.getName();
        return new Graph(name, opset, inputs, outputs, constants, nodes, metadata);
    }

    private ValueInfo valueInfo(ValueInfoProto v) {
        TypeProto type = v.getType();
        if (!type.hasTensorType()) {
            throw new UnsupportedModelException(file, "non-tensor value", "value '" + v.getName()
                    + "' is not a tensor (sequences, maps and optionals are not supported)");
        }
        int code = type.getTensorType().getElemType();
        DataType dataType = DataType.fromOnnx(code);
        if (dataType == null) {
            throw new UnsupportedModelException(file, TensorProtos.dataTypeName(code), "value '" + v.getName()
                    + "' has element type " + TensorProtos.dataTypeName(code) + ", which is not supported");
        }
        List<Dimension> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : type.getTensorType().getShape().getDimList()) {
            if (d.hasDimValue() && d.getDimValue() >= 0) {
                dims.add(Dimension.of((int) d.getDimValue()));
            } else {
                dims.add(Dimension.symbolic(d.getDimParam().isEmpty() ? "?" : d.getDimParam()));
            }
        }
        return new ValueInfo(v.getName(), dataType, dims);
    }

    private Tensor checkedConstant(TensorProto t, String what) {
        Tensor tensor;
        try {
            tensor = TensorProtos.toTensor(t, what);
        } catch (UserInputException e) {
            throw e.within(file);
        }
        float[] v = tensor.data();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new UserInputException(file, what + ": value " + i + " is " + v[i]
                        + "; weights must be finite");
            }
        }
        return tensor;
    }

    private Tensor constantValue(NodeProto p, String where) {
        if (p.getAttributeCount() != 1) {
            throw error(where, "Constant must have exactly one value attribute");
        }
        AttributeProto a = p.getAttribute(0);
        return switch (a.getName()) {
            case "value" -> checkedConstant(a.getT(), where + " value");
            case "value_float" -> Tensor.of(org.bitbudget.model.tensor.Shape.of(), new float[] {a.getF()});
            case "value_floats" -> {
                float[] v = new float[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getFloats(i);
                }
                yield Tensor.of(org.bitbudget.model.tensor.Shape.of(v.length), v);
            }
            case "value_int" -> Tensor.of(DataType.INT64, org.bitbudget.model.tensor.Shape.of(),
                    new float[] {a.getI()});
            case "value_ints" -> {
                float[] v = new float[a.getIntsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getInts(i);
                }
                yield Tensor.of(DataType.INT64, org.bitbudget.model.tensor.Shape.of(v.length), v);
            }
            default -> throw unsupported(where, "Constant", "Constant attribute '" + a.getName()
                    + "' is not supported");
        };
    }

    private Op op(NodeProto p, String where, Map<String, Tensor> constants) {
        Attributes a = new Attributes(p, where);
        Op op = switch (p.getOpType()) {
            case "Conv" -> conv(p, a, where, constants);
            case "Gemm" -> gemm(a);
            case "MatMul" -> new Op.MatMul();
            case "Add" -> binary(Op.Binary.Kind.ADD, a, where);
            case "Sub" -> binary(Op.Binary.Kind.SUB, a, where);
            case "Mul" -> binary(Op.Binary.Kind.MUL, a, where);
            case "Div" -> binary(Op.Binary.Kind.DIV, a, where);
            case "Round" -> new Op.Unary(Op.Unary.Kind.ROUND);
            case "BatchNormalization" -> batchNorm(p, a, where);
            case "Relu" -> new Op.Unary(Op.Unary.Kind.RELU);
            case "Sigmoid" -> new Op.Unary(Op.Unary.Kind.SIGMOID);
            case "Identity" -> new Op.Unary(Op.Unary.Kind.IDENTITY);
            case "Clip" -> opset < 11
                    ? new Op.Clip(a.getFloat("min", -Float.MAX_VALUE), a.getFloat("max", Float.MAX_VALUE))
                    : new Op.Clip(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            case "MaxPool" -> pool(Op.Pool.Kind.MAX, p, a, where);
            case "AveragePool" -> pool(Op.Pool.Kind.AVERAGE, p, a, where);
            case "GlobalAveragePool" -> new Op.GlobalAveragePool();
            case "Flatten" -> new Op.Flatten(a.getInt("axis", 1));
            case "Reshape" -> new Op.Reshape(a.getInt("allowzero", 0) != 0,
                    opset < 5 ? a.getLongs("shape", null) : null);
            case "Concat" -> new Op.Concat(a.getInt("axis", opset < 4 ? 1 : Integer.MIN_VALUE));
            case "Softmax" -> new Op.Softmax(a.getInt("axis", opset < 13 ? 1 : -1), opset < 13);
            default -> throw unsupported(where, p.getOpType(), "operator " + p.getOpType()
                    + " is not supported (supported: " + String.join(", ", SUPPORTED_OPS) + ")");
        };
        if (op instanceof Op.Concat c && c.axis() == Integer.MIN_VALUE) {
            throw error(where, "Concat needs an 'axis' attribute");
        }
        a.rejectUnread();
        return op;
    }

    private Op gemm(Attributes a) {
        // Before opset 7, broadcast=1 allowed C to broadcast, which every later opset does by default.
        a.getInt("broadcast", 0);
        return new Op.Gemm(a.getFloat("alpha", 1f), a.getFloat("beta", 1f), a.getInt("transA", 0) != 0,
                a.getInt("transB", 0) != 0);
    }

    private Op conv(NodeProto p, Attributes a, String where, Map<String, Tensor> constants) {
        int[] kernel = a.getInts("kernel_shape", null);
        Tensor weight = p.getInputCount() > 1 ? constants.get(p.getInput(1)) : null;
        if (weight != null) {
            int spatial = weight.shape().rank() - 2;
            if (spatial < 1) {
                throw error(where, "Conv weight '" + p.getInput(1) + "' has shape " + weight.shape()
                        + "; it needs [out, in/group, k...]");
            }
            if (kernel != null && (kernel.length != spatial || !matches(kernel, weight.shape().dims(), 2))) {
                throw error(where, "kernel_shape " + java.util.Arrays.toString(kernel)
                        + " does not match weight shape " + weight.shape());
            }
            kernel = kernel == null ? java.util.Arrays.copyOfRange(weight.shape().dims(), 2, spatial + 2) : kernel;
        }
        if (kernel != null && kernel.length > 2) {
            throw unsupported(where, "Conv", kernel.length + "-D convolution is not supported (1-D and 2-D are)");
        }
        int group = a.getInt("group", 1);
        if (group < 1) {
            throw error(where, "group must be at least 1, got " + group);
        }
        int[] strides = a.getInts("strides", null);
        int[] dilations = a.getInts("dilations", null);
        int[] pads = a.getInts("pads", null);
        checkSpatial(where, kernel, strides, dilations, pads);
        return new Op.Conv(kernel, strides, pads, dilations, group, autoPad(a, where));
    }

    private Op pool(Op.Pool.Kind kind, NodeProto p, Attributes a, String where) {
        int[] kernel = a.getInts("kernel_shape", null);
        if (kernel == null) {
            throw error(where, p.getOpType() + " needs a 'kernel_shape' attribute");
        }
        if (kernel.length > 2) {
            throw unsupported(where, p.getOpType(), kernel.length + "-D pooling is not supported (1-D and 2-D are)");
        }
        if (kind == Op.Pool.Kind.AVERAGE && p.getOutputCount() > 1) {
            throw error(where, "AveragePool has one output, got " + p.getOutputCount());
        }
        int[] strides = a.getInts("strides", null);
        int[] dilations = a.getInts("dilations", null);
        int[] pads = a.getInts("pads", null);
        checkSpatial(where, kernel, strides, dilations, pads);
        boolean ceil = a.getInt("ceil_mode", 0) != 0;
        boolean includePad = a.getInt("count_include_pad", 0) != 0;
        int storageOrder = a.getInt("storage_order", 0);
        return new Op.Pool(kind, kernel, strides, pads, dilations, ceil, includePad, autoPad(a, where), storageOrder);
    }

    private Op binary(Op.Binary.Kind kind, Attributes a, String where) {
        boolean legacy = a.getInt("broadcast", 0) != 0 && a.has("axis");
        int axis = a.getInt("axis", -1);
        a.getString("consumed_inputs", null);
        if (legacy && axis < 0) {
            throw unsupported(where, new Op.Binary(kind, -1).type(),
                    "legacy broadcasting with a negative axis is not supported");
        }
        return new Op.Binary(kind, legacy ? axis : -1);
    }

    private Op batchNorm(NodeProto p, Attributes a, String where) {
        float epsilon = a.getFloat("epsilon", 1e-5f);
        float momentum = a.getFloat("momentum", 0.9f);
        boolean training = a.getInt("training_mode", 0) != 0;
        if (a.getInt("spatial", 1) != 1) {
            throw unsupported(where, "BatchNormalization", "BatchNormalization with spatial=0 is not supported");
        }
        if (opset < 7) {
            a.getInt("is_test", 0);
            a.getString("consumed_inputs", null);
        }
        if (!training && p.getOutputList().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            throw error(where, "BatchNormalization in inference mode has one output; training outputs need "
                    + "training_mode=1");
        }
        return new Op.BatchNorm(epsilon, momentum, training);
    }

    private Op.AutoPad autoPad(Attributes a, String where) {
        String s = a.getString("auto_pad", "NOTSET");
        try {
            return Op.AutoPad.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(where, "auto_pad '" + s + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
    }

    private void checkSpatial(String where, int[] kernel, int[] strides, int[] dilations, int[] pads) {
        int rank = kernel != null ? kernel.length
                : strides != null ? strides.length : dilations != null ? dilations.length : -1;
        if (kernel != null) {
            requirePositive(where, "kernel_shape", kernel);
        }
        if (strides != null) {
            requirePositive(where, "strides", strides);
            requireLength(where, "strides", strides, rank);
        }
        if (dilations != null) {
            requirePositive(where, "dilations", dilations);
            requireLength(where, "dilations", dilations, rank);
        }
        if (pads != null) {
            if (rank >= 0 && pads.length != 2 * rank) {
                throw error(where, "pads has " + pads.length + " values; " + 2 * rank + " expected");
            }
            for (int pad : pads) {
                if (pad < 0) {
                    throw error(where, "negative pads are not supported: " + java.util.Arrays.toString(pads));
                }
            }
        }
    }

    private void requirePositive(String where, String name, int[] values) {
        for (int v : values) {
            if (v < 1) {
                throw error(where, name + " must be positive, got " + java.util.Arrays.toString(values));
            }
        }
    }

    private void requireLength(String where, String name, int[] values, int rank) {
        if (rank >= 0 && values.length != rank) {
            throw error(where, name + " has " + values.length + " values; " + rank + " expected");
        }
    }

    private static boolean matches(int[] kernel, int[] weightDims, int offset) {
        for (int i = 0; i < kernel.length; i++) {
            if (kernel[i] != weightDims[offset + i]) {
                return false;
            }
        }
        return true;
    }

    private void checkArity(NodeProto p, Op op, String where) {
        int[] inputs = switch (op) {
            case Op.Conv c -> new int[] {2, 3};
            case Op.Gemm g -> new int[] {2, 3};
            case Op.MatMul m -> new int[] {2, 2};
            case Op.Binary b -> new int[] {2, 2};
            case Op.BatchNorm b -> new int[] {5, 5};
            case Op.Clip c -> new int[] {1, 3};
            case Op.Reshape r -> r.shapeAttribute() != null ? new int[] {1, 1} : new int[] {2, 2};
            case Op.Concat c -> new int[] {1, Integer.MAX_VALUE};
            default -> new int[] {1, 1};
        };
        int count = p.getInputCount();
        if (count < inputs[0] || count > inputs[1]) {
            String expected = inputs[0] == inputs[1] ? Integer.toString(inputs[0])
                    : inputs[1] == Integer.MAX_VALUE ? "at least " + inputs[0] : inputs[0] + " to " + inputs[1];
            throw error(where, p.getOpType() + " has " + count + " inputs; " + expected + " expected");
        }
        if (p.getOutputCount() < 1) {
            throw error(where, p.getOpType() + " has no output");
        }
    }

    private UnsupportedModelException unsupported(String where, String feature, String message) {
        return new UnsupportedModelException(file + ": " + where, feature, message);
    }

    private UserInputException error(String where, String message) {
        return new UserInputException(file + ": " + where, message);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Reads a node's attributes by name and type, remembering which were read. */
    private final class Attributes {
        private final Map<String, AttributeProto> byName = new LinkedHashMap<>();
        private final Set<String> read = new HashSet<>();
        private final String where;
        private final String opType;

        Attributes(NodeProto p, String where) {
            this.where = where;
            this.opType = p.getOpType();
            for (AttributeProto a : p.getAttributeList()) {
                byName.put(a.getName(), a);
            }
        }

        boolean has(String name) {
            return byName.containsKey(name);
        }

        private AttributeProto get(String name, AttributeProto.AttributeType type) {
            read.add(name);
            AttributeProto a = byName.get(name);
            if (a != null && a.hasType() && a.getType() != type) {
                throw error(where, "attribute '" + name + "' must be " + type + ", got " + a.getType());
            }
            return a;
        }

        int getInt(String name, int fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.INT);
            return a == null ? fallback : toInt(name, a.getI());
        }

        float getFloat(String name, float fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.FLOAT);
            return a == null ? fallback : a.getF();
        }

        String getString(String name, String fallback) {
            AttributeProto a = byName.get(name);
            read.add(name);
            if (a == null) {
                return fallback;
            }
            return a.getS().toStringUtf8();
        }

        int[] getInts(String name, int[] fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.INTS);
            if (a == null) {
                return fallback;
            }
            return a.getIntsList().stream().mapToInt(v -> toInt(name, v)).toArray();
        }

        private int toInt(String name, long value) {
            if (value != (int) value) {
                throw error(where, "attribute '" + name + "' value " + value + " is out of range");
            }
            return (int) value;
        }

        long[] getLongs(String name, long[] fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.INTS);
            return a == null ? fallback : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }

        /** Attributes the operator does not define are errors: silently ignoring one changes results. */
        void rejectUnread() {
            for (String name : byName.keySet()) {
                if (!read.contains(name)) {
                    throw unsupported(where, opType, opType + " attribute '" + name + "' is not supported");
                }
            }
        }
    }
}
