package org.bitbudget.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
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
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.BatchNormFolding;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.Arity;
import org.bitbudget.ops.OnnxNode;
import org.bitbudget.ops.OperatorDescriptor;
import org.bitbudget.ops.Operators;

/**
 * Reads an ONNX model into the graph IR, checking everything the engine relies on so that a bad
 * model fails here with one line naming the file and the node. Weights held in {@code Constant}
 * nodes are initializers like any other; subgraphs of constants are folded ({@link ConstantFolding})
 * and so is each BatchNormalization that follows a Conv or Gemm ({@link BatchNormFolding}).
 *
 * <pre>{@code
 * Graph g = OnnxImporter.load(Path.of("lenet5.onnx"));
 * g.layers().forEach(l -> System.out.println(l.name() + " " + l.weightShape()));
 * }</pre>
 */
public final class OnnxImporter {
    /** The newest default-domain opset whose semantics the importer knows. */
    public static final int MAX_OPSET = 21;

    /**
     * The operator types the importer accepts, in the order the documentation lists them: those of
     * the {@link Operators} registry and {@code Constant}, which the importer folds into the constants
     * (listed after Identity, where the documentation and earlier error messages have it).
     */
    public static final List<String> SUPPORTED_OPS = Operators.onnxTypes().stream()
            .flatMap(t -> t.equals("Identity") ? Stream.of(t, "Constant") : Stream.of(t))
            .toList();

    private final String file;
    private final int opset;
    /** When not null, unsupported operators are collected here instead of failing the import. */
    private final Map<String, ImportSurvey.Unsupported> survey;
    /** The outputs of the nodes a survey left out. */
    private final Set<String> skippedOutputs = new HashSet<>();

    /** Whether constant subgraphs and BatchNorms after a Conv or Gemm are folded. */
    private final boolean fold;

    private OnnxImporter(String file, int opset, Map<String, ImportSurvey.Unsupported> survey, boolean fold) {
        this.file = file;
        this.opset = opset;
        this.survey = survey;
        this.fold = fold;
    }

    /** Loads and checks the model in {@code path}. */
    public static Graph load(Path path) {
        return parse(read(path), path.toString());
    }

    /**
     * Reads as much of the model in {@code path} as is supported, listing every unsupported operator
     * instead of failing at the first; a model that is broken (not merely unsupported) still fails.
     */
    public static ImportSurvey survey(Path path) {
        Map<String, ImportSurvey.Unsupported> unsupported = new LinkedHashMap<>();
        Graph graph = parse(read(path), path.toString(), unsupported, true);
        return new ImportSurvey(graph, List.copyOf(unsupported.values()));
    }

    private static byte[] read(Path path) {
        String file = path.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserInputException(file, "no such file");
        } catch (IOException e) {
            throw UserInputException.unreadable(file, e);
        }
        return bytes;
    }

    /**
     * Parses a serialised {@code ModelProto}.
     *
     * @param file how errors name the model
     */
    public static Graph parse(byte[] bytes, String file) {
        return parse(bytes, file, null, true);
    }

    /**
     * Parses a serialised {@code ModelProto} into the graph as the file writes it: no constant
     * subgraph or BatchNorm is folded (for a model whose BatchNorms are to be trained further, or
     * to see what an exporter wrote).
     *
     * @param file how errors name the model
     */
    public static Graph parseUnfolded(byte[] bytes, String file) {
        return parse(bytes, file, null, false);
    }

    private static Graph parse(byte[] bytes, String file, Map<String, ImportSurvey.Unsupported> survey, boolean fold) {
        if (bytes.length == 0) {
            throw new UserInputException(file, "empty file, not an ONNX model");
        }
        ModelProto model;
        try {
            // Aliasing: raw_data fields are views of the file's bytes, not copies of them.
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            model = ModelProto.parser().parseFrom(in);
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw new UserInputException(
                    file, "not a valid ONNX model (truncated or corrupt protobuf: " + firstLine(e.getMessage()) + ")");
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
                throw new UnsupportedModelException(
                        file,
                        domain,
                        "uses only the operator domain '" + domain + "'; BitBudget supports the default ONNX domain");
            }
            throw new UserInputException(file, "imports no default-domain opset");
        }
        if (opset > MAX_OPSET) {
            throw new UserInputException(
                    file, "opset " + opset + " is newer than the newest supported (" + MAX_OPSET + ")");
        }
        return new OnnxImporter(file, opset, survey, fold).convert(model);
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
        Set<String> outputNames = new HashSet<>();
        for (ValueInfoProto v : g.getOutputList()) {
            if (!outputNames.add(v.getName())) {
                throw new UserInputException(file, "graph output '" + v.getName() + "' is declared twice");
            }
            outputs.add(valueInfo(v));
        }
        if (outputs.isEmpty()) {
            throw new UserInputException(file, "the graph declares no outputs; nothing could be scored");
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
            boolean foreign = !p.getDomain().isEmpty() && !p.getDomain().equals("ai.onnx");
            String type = foreign ? p.getDomain() + "." + p.getOpType() : p.getOpType();
            if (foreign) {
                skip(
                        unsupported(
                                where,
                                type,
                                "operator " + type + " is not supported (only the default ONNX domain is)"),
                        type,
                        name,
                        p,
                        defined);
                continue;
            }
            checkInputsDefined(p, where, defined);
            if (p.getOpType().equals("Constant")) {
                if (p.getOutputCount() != 1) {
                    throw error(where, "Constant must have exactly one output");
                }
                constants.put(p.getOutput(0), constantValue(p, where));
                defined.add(p.getOutput(0));
                continue;
            }
            Op op;
            try {
                op = op(p, where, constants);
            } catch (UnsupportedModelException e) {
                skip(e, type, name, p, defined);
                continue;
            } catch (UserInputException e) {
                // A constant input (Reshape's target) computed by a left-out node is unknown, not wrong.
                if (survey == null || p.getInputList().stream().noneMatch(skippedOutputs::contains)) {
                    throw e;
                }
                skippedOutputs.addAll(p.getOutputList());
                defined.addAll(p.getOutputList());
                continue;
            }
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
        Graph graph = new Graph(name, opset, inputs, outputs, constants, nodes, metadata);
        // Deployment runtimes fold these before anything is quantized; so does BitBudget.
        return fold ? BatchNormFolding.fold(ConstantFolding.fold(graph)) : graph;
    }

    private void checkInputsDefined(NodeProto p, String where, Set<String> defined) {
        for (String in : p.getInputList()) {
            if (!in.isEmpty() && !defined.contains(in)) {
                throw error(
                        where,
                        "input '" + in + "' is not a graph input, an initializer or the output "
                                + "of an earlier node");
            }
        }
    }

    /**
     * Leaves out a node the importer does not support when surveying (its outputs count as defined,
     * so the nodes after it are read), or fails with {@code e} when importing.
     */
    private void skip(UnsupportedModelException e, String type, String name, NodeProto p, Set<String> defined) {
        if (survey == null) {
            throw e;
        }
        ImportSurvey.Unsupported seen = survey.get(type);
        skippedOutputs.addAll(p.getOutputList());
        survey.put(
                type,
                seen == null
                        ? new ImportSurvey.Unsupported(type, 1, name, e.getMessage())
                        : new ImportSurvey.Unsupported(type, seen.count() + 1, seen.firstNode(), seen.reason()));
        defined.addAll(p.getOutputList());
    }

    private ValueInfo valueInfo(ValueInfoProto v) {
        TypeProto type = v.getType();
        if (!type.hasTensorType()) {
            throw new UnsupportedModelException(
                    file,
                    "non-tensor value",
                    "value '" + v.getName() + "' is not a tensor (sequences, maps and optionals are not supported)");
        }
        int code = type.getTensorType().getElemType();
        DataType dataType = DataType.fromOnnx(code);
        if (dataType == null) {
            throw new UnsupportedModelException(
                    file,
                    TensorProtos.dataTypeName(code),
                    "value '" + v.getName() + "' has element type " + TensorProtos.dataTypeName(code)
                            + ", which is not supported");
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
        } catch (IllegalArgumentException e) {
            throw new UserInputException(file, what + ": " + e.getMessage(), e);
        }
        float[] v = tensor.data();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new UserInputException(file, what + ": value " + i + " is " + v[i] + "; weights must be finite");
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
            case "value_float" -> Tensor.of(org.bitbudget.ir.tensor.Shape.of(), new float[] {a.getF()});
            case "value_floats" -> {
                float[] v = new float[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getFloats(i);
                }
                yield Tensor.of(org.bitbudget.ir.tensor.Shape.of(v.length), v);
            }
            case "value_int" -> Tensor.of(DataType.INT64, org.bitbudget.ir.tensor.Shape.of(), new float[] {a.getI()});
            case "value_ints" -> {
                float[] v = new float[a.getIntsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getInts(i);
                }
                yield Tensor.of(DataType.INT64, org.bitbudget.ir.tensor.Shape.of(v.length), v);
            }
            default ->
                throw unsupported(where, "Constant", "Constant attribute '" + a.getName() + "' is not supported");
        };
    }

    /** The node's operator, read by its descriptor, with its attributes and its input count checked. */
    private Op op(NodeProto p, String where, Map<String, Tensor> constants) {
        OperatorDescriptor<?> descriptor = Operators.forOnnx(p.getDomain(), p.getOpType());
        if (descriptor == null) {
            throw unsupported(
                    where,
                    p.getOpType(),
                    "operator " + p.getOpType() + " is not supported (supported: " + String.join(", ", SUPPORTED_OPS)
                            + ")");
        }
        NodeReader node = new NodeReader(p, where, constants);
        Op op = descriptor.read(node);
        node.rejectUnread();
        checkArity(p, Operators.of(op).arity(op), where);
        return op;
    }

    private void checkArity(NodeProto p, Arity arity, String where) {
        int count = p.getInputCount();
        if (!arity.accepts(count)) {
            throw error(where, p.getOpType() + " has " + count + " inputs; " + arity.describe() + " expected");
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

    /** One node as its descriptor reads it: attributes by name and type, remembering which were read. */
    private final class NodeReader implements OnnxNode {
        private final Map<String, AttributeProto> byName = new LinkedHashMap<>();
        private final Set<String> read = new HashSet<>();
        private final NodeProto proto;
        private final String where;
        private final String opType;
        private final Map<String, Tensor> constants;

        NodeReader(NodeProto p, String where, Map<String, Tensor> constants) {
            this.proto = p;
            this.where = where;
            this.opType = p.getOpType();
            this.constants = constants;
            for (AttributeProto a : p.getAttributeList()) {
                byName.put(a.getName(), a);
            }
        }

        @Override
        public String type() {
            return opType;
        }

        @Override
        public int opset() {
            return opset;
        }

        @Override
        public List<String> inputs() {
            return proto.getInputList();
        }

        @Override
        public List<String> outputs() {
            return proto.getOutputList();
        }

        @Override
        public Tensor constant(int i) {
            return i < proto.getInputCount() ? constants.get(proto.getInput(i)) : null;
        }

        @Override
        public RuntimeException error(String message) {
            return OnnxImporter.this.error(where, message);
        }

        @Override
        public RuntimeException unsupported(String feature, String message) {
            return OnnxImporter.this.unsupported(where, feature, message);
        }

        @Override
        public boolean has(String name) {
            return byName.containsKey(name);
        }

        private AttributeProto get(String name, AttributeProto.AttributeType type) {
            read.add(name);
            AttributeProto a = byName.get(name);
            if (a != null && a.hasType() && a.getType() != type) {
                throw error("attribute '" + name + "' must be " + type + ", got " + a.getType());
            }
            return a;
        }

        @Override
        public int getInt(String name, int fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.INT);
            return a == null ? fallback : toInt(name, a.getI());
        }

        @Override
        public float getFloat(String name, float fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.FLOAT);
            return a == null ? fallback : a.getF();
        }

        @Override
        public String getString(String name, String fallback) {
            AttributeProto a = byName.get(name);
            read.add(name);
            if (a == null) {
                return fallback;
            }
            return a.getS().toStringUtf8();
        }

        @Override
        public int[] getInts(String name, int[] fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.INTS);
            if (a == null) {
                return fallback;
            }
            return a.getIntsList().stream().mapToInt(v -> toInt(name, v)).toArray();
        }

        private int toInt(String name, long value) {
            if (value != (int) value) {
                throw error("attribute '" + name + "' value " + value + " is out of range");
            }
            return (int) value;
        }

        @Override
        public long[] getLongs(String name, long[] fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.INTS);
            return a == null
                    ? fallback
                    : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }

        @Override
        public Tensor getTensor(String name) {
            AttributeProto a = get(name, AttributeProto.AttributeType.TENSOR);
            return a == null ? null : checkedConstant(a.getT(), where + " attribute '" + name + "'");
        }

        @Override
        public float[] getFloats(String name, float[] fallback) {
            AttributeProto a = get(name, AttributeProto.AttributeType.FLOATS);
            if (a == null) {
                return fallback;
            }
            float[] values = new float[a.getFloatsCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = a.getFloats(i);
            }
            return values;
        }

        /** Attributes the operator does not define are errors: silently ignoring one changes results. */
        void rejectUnread() {
            for (String name : byName.keySet()) {
                if (!read.contains(name)) {
                    throw unsupported(opType, opType + " attribute '" + name + "' is not supported");
                }
            }
        }
    }
}
