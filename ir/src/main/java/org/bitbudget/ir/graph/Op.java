package org.bitbudget.ir.graph;

import java.util.Arrays;
import org.bitbudget.ir.quant.NumberFormat;

/**
 * An operator application's attributes, already checked and defaulted: what a {@link Node} holds.
 * Everything else about an operator (import, shapes, kernels, training, integer form) is in its
 * descriptor, which {@code Operators.of(Op)} (module ops) finds by {@link #type()}. The
 * records here are the operators BitBudget started with; a new operator declares its record in its
 * descriptor's file. Spatial attributes ({@code kernel}, {@code strides}, {@code dilations}) have one
 * entry per spatial axis; {@code pads} holds the begin pads of every axis, then the end pads, as in ONNX.
 */
public interface Op {

    /** The operator type, e.g. {@code Conv}: the ONNX type, and the key of its descriptor. */
    String type();

    /**
     * The input that holds the weight when the operator is a layer with weights (a quantizable node:
     * {@link Graph#layers()} lists it when that input is a constant), or -1 when it is none. The
     * answer lives here, not in the descriptor, because graph analysis ({@code ir}) cannot see the
     * descriptors; a new weighted operator overrides this, {@link #biasInput()} and
     * {@link #outputChannelAxis()} in its record.
     */
    default int weightInput() {
        return -1;
    }

    /** The input that holds a layer's bias, or -1 when the operator takes none. */
    default int biasInput() {
        return -1;
    }

    /** The axis of a layer's weight that holds output channels (per-channel scales run along it). */
    default int outputChannelAxis() {
        return 0;
    }

    /** How ONNX's {@code auto_pad} derives pads from the input size. */
    enum AutoPad {
        NOTSET,
        SAME_UPPER,
        SAME_LOWER,
        VALID
    }

    /** Convolution over 1 or 2 spatial axes; {@code group > 1} includes depthwise. */
    record Conv(int[] kernel, int[] strides, int[] pads, int[] dilations, int group, AutoPad autoPad) implements Op {
        public String type() {
            return "Conv";
        }

        @Override
        public int weightInput() {
            return 1;
        }

        @Override
        public int biasInput() {
            return 2;
        }

        @Override
        public String toString() {
            return "Conv(kernel=" + Arrays.toString(kernel) + ", strides=" + Arrays.toString(strides) + ", pads="
                    + Arrays.toString(pads) + ", dilations=" + Arrays.toString(dilations) + ", group=" + group
                    + ", autoPad=" + autoPad + ")";
        }
    }

    /** {@code Y = alpha * A' * B' + beta * C}, with A' and B' optionally transposed. */
    record Gemm(float alpha, float beta, boolean transA, boolean transB) implements Op {
        public String type() {
            return "Gemm";
        }

        @Override
        public int weightInput() {
            return 1;
        }

        @Override
        public int biasInput() {
            return 2;
        }

        @Override
        public int outputChannelAxis() {
            return transB ? 0 : 1;
        }
    }

    /** numpy matmul: batched over leading axes with broadcasting. */
    record MatMul() implements Op {
        public String type() {
            return "MatMul";
        }

        @Override
        public int weightInput() {
            return 1;
        }

        @Override
        public int outputChannelAxis() {
            return 1;
        }
    }

    /**
     * Element-wise binary arithmetic with numpy broadcasting; before opset 7 a model may instead align
     * B with A's axes starting at {@code legacyAxis} (-1 when it does not).
     */
    record Binary(Kind kind, int legacyAxis) implements Op {
        /** Which arithmetic. */
        public enum Kind {
            ADD("Add"),
            SUB("Sub"),
            MUL("Mul"),
            DIV("Div");

            private final String onnxName;

            Kind(String onnxName) {
                this.onnxName = onnxName;
            }
        }

        public String type() {
            return kind.onnxName;
        }
    }

    /**
     * Batch normalisation over axis 1. In training mode the statistics come from the batch and the
     * running mean and variance are updated with {@code momentum}.
     */
    record BatchNorm(float epsilon, float momentum, boolean training) implements Op {
        public String type() {
            return "BatchNormalization";
        }
    }

    /** Element-wise functions with no parameters. */
    record Unary(Kind kind) implements Op {
        /** Which function. */
        public enum Kind {
            RELU("Relu"),
            SIGMOID("Sigmoid"),
            IDENTITY("Identity"),
            ROUND("Round");

            private final String onnxName;

            Kind(String onnxName) {
                this.onnxName = onnxName;
            }
        }

        public String type() {
            return kind.onnxName;
        }
    }

    /**
     * Clamp to [min, max]. Bounds given as attributes (opset below 11) are stored here; from opset 11
     * they are optional inputs 1 and 2, and these fields stay at ±infinity.
     */
    record Clip(float min, float max) implements Op {
        public String type() {
            return "Clip";
        }
    }

    /**
     * Max or average pooling over 1 or 2 spatial axes. MaxPool's optional second output holds the
     * flat index of each maximum, row-major ({@code storageOrder} 0) or column-major (1) within a plane.
     */
    record Pool(
            Kind kind,
            int[] kernel,
            int[] strides,
            int[] pads,
            int[] dilations,
            boolean ceilMode,
            boolean countIncludePad,
            AutoPad autoPad,
            int storageOrder)
            implements Op {
        /** Which reduction. */
        public enum Kind {
            MAX("MaxPool"),
            AVERAGE("AveragePool");

            private final String onnxName;

            Kind(String onnxName) {
                this.onnxName = onnxName;
            }
        }

        public String type() {
            return kind.onnxName;
        }

        @Override
        public String toString() {
            return type() + "(kernel=" + Arrays.toString(kernel) + ", strides=" + Arrays.toString(strides)
                    + ", pads=" + Arrays.toString(pads) + ", dilations=" + Arrays.toString(dilations)
                    + ", ceil=" + ceilMode + ", countIncludePad=" + countIncludePad + ", autoPad=" + autoPad + ")";
        }
    }

    /** Mean over every spatial axis, keeping them as size 1. */
    record GlobalAveragePool() implements Op {
        public String type() {
            return "GlobalAveragePool";
        }
    }

    /** Reshape to 2-D: dimensions before {@code axis} become rows, the rest columns. */
    record Flatten(int axis) implements Op {
        public String type() {
            return "Flatten";
        }
    }

    /**
     * Reshape to the shape given by input 1 (or, before opset 5, by the {@code shape} attribute held
     * here); 0 copies the input dimension unless {@code allowZero}, -1 is inferred.
     */
    record Reshape(boolean allowZero, long[] shapeAttribute) implements Op {
        public String type() {
            return "Reshape";
        }
    }

    /** Concatenation along {@code axis}. */
    record Concat(int axis) implements Op {
        public String type() {
            return "Concat";
        }
    }

    /**
     * Softmax along {@code axis}. Before opset 13 ONNX flattens the input to 2-D at {@code axis} and
     * normalises each row ({@code coerce2d}); from 13 it normalises along the one axis. With
     * {@code log} it is LogSoftmax, the logarithm of the same result, computed without forming it.
     */
    record Softmax(int axis, boolean coerce2d, boolean log) implements Op {
        /** Softmax proper. */
        public Softmax(int axis, boolean coerce2d) {
            this(axis, coerce2d, false);
        }

        public String type() {
            return log ? "LogSoftmax" : "Softmax";
        }
    }

    /**
     * Quantize-dequantize with one scale and zero point: {@code (Q(round(x / scale) + zp) − zp) · scale}
     * for integer formats, {@code Q(x / scale) · scale} for minifloats. BitBudget inserts it before a
     * layer whose input a precision config quantizes; ONNX has no such single operator.
     */
    record FakeQuantize(NumberFormat format, float scale, float zeroPoint) implements Op {
        public String type() {
            return "FakeQuantize";
        }
    }
}
