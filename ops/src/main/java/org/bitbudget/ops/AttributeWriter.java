package org.bitbudget.ops;

/** Where an {@link OnnxMapping} writes a node's attributes on export. */
public interface AttributeWriter {
    /** The default-domain opset being written, whose form of the operator the attributes must take. */
    int opset();

    /** An INT attribute. */
    void integer(String name, long value);

    /** A FLOAT attribute. */
    void real(String name, float value);

    /** A STRING attribute. */
    void text(String name, String value);

    /** An INTS attribute; nothing when {@code values} is null (the attribute keeps its default). */
    void ints(String name, int[] values);

    /**
     * A constant as input {@code index} (an initializer the writer names after the node): for an
     * operator whose attribute became an input in a later opset, such as Clip's bounds (attributes
     * before 11, inputs from 11).
     */
    void constantInput(int index, org.bitbudget.ir.tensor.Tensor value);
}
