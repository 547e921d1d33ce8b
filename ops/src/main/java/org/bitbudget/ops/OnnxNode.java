package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.tensor.Tensor;

/**
 * One ONNX node as an {@link OnnxMapping} reads it: its attributes by name and type (each read
 * marks the attribute as understood), its inputs and outputs, the constants it can see, and the
 * errors that name the file and node.
 */
public interface OnnxNode {
    /** The node's operator type. */
    String type();

    /** The default-domain opset of the model. */
    int opset();

    /** The input names as written (an empty name is an omitted optional input). */
    List<String> inputs();

    /** The output names as written. */
    List<String> outputs();

    /** The constant (initializer or folded {@code Constant}) behind input {@code i}, or null. */
    Tensor constant(int i);

    /** Whether the node sets attribute {@code name}. */
    boolean has(String name);

    /** An INT attribute, or {@code fallback}. */
    int getInt(String name, int fallback);

    /** A FLOAT attribute, or {@code fallback}. */
    float getFloat(String name, float fallback);

    /** A STRING attribute, or {@code fallback}. */
    String getString(String name, String fallback);

    /** An INTS attribute, or {@code fallback}. */
    int[] getInts(String name, int[] fallback);

    /** An INTS attribute as longs, or {@code fallback}. */
    long[] getLongs(String name, long[] fallback);

    /** A TENSOR attribute, or null. */
    Tensor getTensor(String name);

    /** A FLOATS attribute, or {@code fallback}. */
    float[] getFloats(String name, float[] fallback);

    /** A malformed model: the error to throw, naming the file and the node. */
    RuntimeException error(String message);

    /** A model BitBudget cannot run: the error to throw, naming the file, the node and the feature. */
    RuntimeException unsupported(String feature, String message);
}
