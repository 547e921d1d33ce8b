package org.bitbudget.testsupport;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/**
 * Builds small ONNX models for tests: float inputs with a symbolic batch dimension {@code N} (or
 * fixed shapes), seeded random float initializers, nodes with attributes, opset 13 unless told.
 * The same calls with the same seed always give the same bytes.
 *
 * <pre>{@code
 * ModelBuilder b = new ModelBuilder("block", 7);
 * String x = b.input("x", 3, 8, 8);                      // [N, 3, 8, 8]
 * String y = b.node("Conv", "/c1/Conv", List.of(x, b.weight("w", 4, 3, 3, 3)), ints("pads", 1, 1, 1, 1));
 * byte[] onnx = b.output(y).bytes();
 * }</pre>
 */
public final class ModelBuilder {
    /** The batch dimension's symbol. */
    private static final String BATCH = "N";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Random random;
    private int opset = 13;

    /**
     * @param name the graph's name
     * @param seed seeds every random initializer
     */
    public ModelBuilder(String name, long seed) {
        graph.setName(name);
        random = new Random(seed);
    }

    /** The default-domain opset to import (13 unless set). */
    public ModelBuilder opset(int version) {
        opset = version;
        return this;
    }

    /** Declares a float input of shape [N, dims...]; returns its name. */
    public String input(String name, int... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, true, dims));
        return name;
    }

    /** Declares a float input of exactly {@code dims}, with no batch dimension; returns its name. */
    public String fixedInput(String name, int... dims) {
        graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, false, dims));
        return name;
    }

    /** Declares an input of shape [N, dims...] and element type {@code elemType} (a TensorProto.DataType number). */
    public String typedInput(String name, int elemType, int... dims) {
        graph.addInput(valueInfo(name, elemType, true, dims));
        return name;
    }

    /**
     * Declares a float input whose dimensions are sizes ({@code Integer}) or symbols ({@code String}),
     * as exports with dynamic axes write them: {@code symbolicInput("x", "N", 3, "H", "W")}; returns its name.
     */
    public String symbolicInput(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            shape.addDim(d instanceof Integer size ? dim.setDimValue(size) : dim.setDimParam((String) d));
        }
        graph.addInput(ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape))));
        return name;
    }

    /** Declares {@code name} a float graph output of unspecified shape. */
    public ModelBuilder output(String name) {
        graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, false, null));
        return this;
    }

    /**
     * A weight initializer drawn uniformly from ±1/sqrt(fan-in), fan-in being the product of every
     * dimension but the first (or the one dimension of a vector), so activations stay near unit size.
     */
    public String weight(String name, int... dims) {
        return floats(name, dims, weightValues(dims));
    }

    /** An initializer drawn uniformly from [lo, hi). */
    public String uniform(String name, float lo, float hi, int... dims) {
        return floats(name, dims, uniformValues(lo, hi, dims));
    }

    /** A float initializer with these values. */
    public String floats(String name, int[] dims, float... values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : values) {
            buf.putFloat(x);
        }
        return initializer(tensor(name, TensorProto.DataType.FLOAT_VALUE, dims)
                .setRawData(ByteString.copyFrom(buf.flip()))
                .build());
    }

    /** A float scalar (rank 0) initializer, as Clip's bounds are. */
    public String scalar(String name, float value) {
        return floats(name, new int[0], value);
    }

    /** A 1-D int64 initializer, as Reshape's shape is. */
    public String longs(String name, long... values) {
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : values) {
            buf.putLong(x);
        }
        return initializer(tensor(name, TensorProto.DataType.INT64_VALUE, new int[] {values.length})
                .setRawData(ByteString.copyFrom(buf.flip()))
                .build());
    }

    /**
     * A {@code Constant} node holding {@code tensor} (its name is ignored), as paddle2onnx writes
     * weights and shape constants; returns the node's output, {@code name + ":0"}.
     */
    public String constant(String name, TensorProto tensor) {
        String out = name + ":0";
        graph.addNode(NodeProto.newBuilder()
                .setOpType("Constant")
                .setName(name)
                .addOutput(out)
                .addAttribute(AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(tensor.toBuilder().clearName())));
        return out;
    }

    /** A float tensor of these values in {@code raw_data} (little-endian), unnamed, for {@link #constant}. */
    public static TensorProto rawFloats(int[] dims, float... values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return tensor("", TensorProto.DataType.FLOAT_VALUE, dims)
                .setRawData(ByteString.copyFrom(buf))
                .build();
    }

    /** A float tensor of these values in the typed {@code float_data} field, unnamed, for {@link #constant}. */
    public static TensorProto typedFloats(int[] dims, float... values) {
        TensorProto.Builder t = tensor("", TensorProto.DataType.FLOAT_VALUE, dims);
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    /** A 1-D int64 tensor in the typed {@code int64_data} field, unnamed, for {@link #constant}. */
    public static TensorProto typedLongs(long... values) {
        TensorProto.Builder t = tensor("", TensorProto.DataType.INT64_VALUE, values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /** Values drawn uniformly from ±1/sqrt(fan-in) as {@link #weight} draws them, from this builder's generator. */
    public float[] weightValues(int... dims) {
        int fanIn = 1;
        for (int i = dims.length == 1 ? 0 : 1; i < dims.length; i++) {
            fanIn *= dims[i];
        }
        float bound = (float) (1 / Math.sqrt(fanIn));
        return uniformValues(-bound, bound, dims);
    }

    /** Values drawn uniformly from [lo, hi) from this builder's generator. */
    public float[] uniformValues(float lo, float hi, int... dims) {
        float[] v = new float[count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    /** Adds an initializer as given; returns its name. */
    public String initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
        return tensor.getName();
    }

    private static TensorProto.Builder tensor(String name, int elemType, int... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elemType);
        for (int d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /**
     * Adds a node of the default domain with one output, named {@code name + ":0"}; returns the output's
     * name. An empty input name is an omitted optional input.
     */
    public String node(String opType, String name, List<String> inputs, AttributeProto... attributes) {
        String out = name + ":0";
        graph.addNode(NodeProto.newBuilder()
                .setOpType(opType)
                .setName(name)
                .addAllInput(inputs)
                .addOutput(out)
                .addAllAttribute(List.of(attributes)));
        return out;
    }

    /** Adds a node built by hand. */
    public ModelBuilder node(NodeProto node) {
        graph.addNode(node);
        return this;
    }

    /** The model: IR version 8, the opset, the graph. */
    public ModelProto build() {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("bitbudget-tests")
                .setGraph(graph.build())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .build();
    }

    /** The serialised model. */
    public byte[] bytes() {
        return build().toByteArray();
    }

    /** An INT attribute. */
    public static AttributeProto i(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** A FLOAT attribute. */
    public static AttributeProto f(String name, float value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(value)
                .build();
    }

    /** An INTS attribute. */
    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A STRING attribute. */
    public static AttributeProto s(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value))
                .build();
    }

    /** Gaussian values from a generator seeded with {@code seed}, times {@code scale}. */
    public static float[] gaussian(long seed, int count, float scale) {
        Random r = new Random(seed);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return v;
    }

    private static ValueInfoProto valueInfo(String name, int elemType, boolean batched, int[] dims) {
        TypeProto.Tensor.Builder type = TypeProto.Tensor.newBuilder().setElemType(elemType);
        if (dims != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            if (batched) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
            }
            for (int d : dims) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            type.setShape(shape);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(type))
                .build();
    }

    private static int count(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }
}
