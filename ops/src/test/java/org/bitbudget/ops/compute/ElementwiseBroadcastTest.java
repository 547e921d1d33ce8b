package org.bitbudget.ops.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Broadcasting arithmetic, which walks the output in runs of trailing axes, reads for every output
 * element the operand elements {@link Broadcast#sourceIndices} names (one index per element, the
 * definition), for every kind and for shapes broadcast on leading, trailing, inner and all axes, and
 * for equal shapes.
 */
class ElementwiseBroadcastTest {

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "2x3x4x5, 2x3x1x1",
        "2x3x4x5, 5",
        "2x3x4x5, 3x1x1",
        "1x3x1x5, 2x1x4x1",
        "4x1, 3",
        "1, 2x3",
        "2x1x3, 2x4x1",
        "2x3x1, 1x1x7",
        "3x1x4, 1x1x1",
        "2x0x3, 1x3",
        "2x3x4x5, 2x3x4x5"
    })
    void readsTheElementsTheIndicesName(String aDims, String bDims) {
        int[] da = dims(aDims);
        int[] db = dims(bDims);
        Random random = new Random(Arrays.hashCode(da) * 31L + Arrays.hashCode(db));
        Tensor a = Tensor.of(Shape.of(da), random(random, Shape.of(da).size()));
        Tensor b = Tensor.of(Shape.of(db), random(random, Shape.of(db).size()));
        int[] out = Broadcast.shape(da, db);
        int[] ai = Broadcast.sourceIndices(out, da);
        int[] bi = Broadcast.sourceIndices(out, db);
        for (Op.Binary.Kind kind : Op.Binary.Kind.values()) {
            for (boolean swapped : new boolean[] {false, true}) {
                Tensor result = swapped
                        ? Elementwise.binary(new Op.Binary(kind, -1), b, a)
                        : Elementwise.binary(new Op.Binary(kind, -1), a, b);
                assertArrayEquals(out, result.shape().dims(), kind + " shape");
                float[] expected = new float[ai.length];
                for (int i = 0; i < expected.length; i++) {
                    float x = a.data()[ai[i]];
                    float y = b.data()[bi[i]];
                    expected[i] = swapped ? apply(kind, y, x) : apply(kind, x, y);
                }
                assertEquals(expected.length, result.data().length, kind + " size");
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(
                            Float.floatToIntBits(expected[i]),
                            Float.floatToIntBits(result.data()[i]),
                            kind + (swapped ? " swapped" : "") + " element " + i);
                }
            }
        }
    }

    private static float apply(Op.Binary.Kind kind, float x, float y) {
        return switch (kind) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
        };
    }

    private static int[] dims(String text) {
        return Arrays.stream(text.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    private static float[] random(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 4 - 2;
        }
        return v;
    }
}
