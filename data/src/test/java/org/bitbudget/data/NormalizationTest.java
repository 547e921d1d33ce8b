package org.bitbudget.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * Checks per-channel {@link Normalization} on a 3-channel 8-bit source with values that are exact in
 * float (bytes 0 and 255, means and stds that are powers of two), the one-pair form applying to every
 * channel, the parsed and printed forms (the one-pair text a model's metadata holds reads back
 * unchanged), a channel count that does not fit, and the statistics of a source.
 */
class NormalizationTest {
    /** Two samples of [3, 1, 2]: sample 0 is 0 then 255 in every channel, sample 1 the reverse. */
    private static final DataSource RGB = new Uint8Samples(
            new DataProvenance("test", "rgb", Path.of("rgb"), List.of(), List.of(Uint8Samples.SCALING)),
            Shape.of(3, 1, 2),
            2,
            MemorySegment.ofArray(
                    new byte[] {0, (byte) 255, 0, (byte) 255, 0, (byte) 255, (byte) 255, 0, (byte) 255, 0, (byte) 255, 0
                    }),
            null);

    @Test
    void eachChannelHasItsOwnMeanAndStd() {
        Normalization norm = new Normalization(new float[] {0.5f, 0.25f, 0f}, new float[] {0.5f, 0.25f, 2f});
        float[] v = RGB.batch(0, 2, norm).data();
        assertArrayEquals(new float[] {-1f, 1f, -1f, 3f, 0f, 0.5f, 1f, -1f, 3f, -1f, 0.5f, 0f}, v);
        assertEquals(Shape.of(2, 3, 1, 2), RGB.batch(0, 2, norm).shape());
        assertArrayEquals(
                new float[] {1f, -1f, 3f, -1f, 0.5f, 0f},
                RGB.gather(new int[] {1}, norm).data());
    }

    @Test
    void onePairAppliesToEveryChannel() {
        float[] v = RGB.batch(0, 1, new Normalization(0.5f, 0.5f)).data();
        assertArrayEquals(new float[] {-1f, 1f, -1f, 1f, -1f, 1f}, v);
        assertArrayEquals(
                new float[] {0f, 1f, 0f, 1f, 0f, 1f},
                RGB.batch(0, 1, Normalization.NONE).data());
    }

    @Test
    void aNormalizationOfOtherChannelsIsRefusedNamingTheSource() {
        Normalization two = Normalization.parse("0.5,0.5/1,1");
        UserInputException e = assertThrows(UserInputException.class, () -> RGB.batch(0, 1, two));
        assertEquals("rgb: normalisation 0.5,0.5/1.0,1.0 has 2 channels but the samples have 3", e.getMessage());
    }

    @Test
    void parsesAndPrintsBothForms() {
        Normalization one = Normalization.parse("0.2860,0.3530");
        assertEquals(new Normalization(0.2860f, 0.3530f), one);
        assertEquals(1, one.channels());
        assertEquals("0.286,0.353", one.toString());
        assertEquals(one, Normalization.parse(one.toString()));

        Normalization three = Normalization.parse("0.485, 0.456, 0.406/0.229, 0.224, 0.225");
        assertEquals(
                new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}), three);
        assertEquals("0.485,0.456,0.406/0.229,0.224,0.225", three.toString());
        assertEquals(three, Normalization.parse(three.toString()));

        assertEquals(
                "expected as many stds as means in M1,M2,M3/S1,S2,S3, got '0.5,0.5/1'",
                assertThrows(IllegalArgumentException.class, () -> Normalization.parse("0.5,0.5/1"))
                        .getMessage());
        assertEquals(
                "expected two numbers MEAN,STD, got 'a,b'",
                assertThrows(IllegalArgumentException.class, () -> Normalization.parse("a,b"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Normalization.parse("0.5"));
        assertThrows(IllegalArgumentException.class, () -> Normalization.parse("0.5/1/2"));
        assertThrows(IllegalArgumentException.class, () -> Normalization.parse("0.5,0"));
    }

    @Test
    void measuresEachChannel() {
        // Every channel is half 0, half 1: mean 0.5 and std 0.5, exactly.
        assertEquals(
                new Normalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}),
                Normalization.measure(RGB));
        // The statistics the bundled models were trained with.
        assertEquals(
                new Normalization(0.2860f, 0.3530f),
                Normalization.measure(DataSources.open("fashion-mnist", Split.TRAIN)));
    }
}
