package org.bitbudget.ops.compute.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import jdk.incubator.vector.VectorShape;
import org.bitbudget.ops.compute.sgemm.ScalarSgemm;
import org.bitbudget.ops.compute.sgemm.Sgemm;
import org.bitbudget.ops.compute.sgemm.SgemmFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision of {@link KernelProvider} from its inputs (the two properties, the module, the widest
 * vector), the widths this JVM runs, and the kernels it makes at forced widths, here for the float
 * SGEMM (the kernels module checks its own families' widths through their lane counts).
 */
class KernelProviderTest {

    @Test
    void disabledVectorsGiveScalarKernelsAndSayWhy() {
        KernelChoice choice = KernelProvider.decide("false", "256", true, 512);
        assertEquals(new KernelChoice(0, "bitbudget.vector=false"), choice);
        assertFalse(choice.vector());
        Sgemm kernel = KernelProvider.at(new SgemmFamily(), choice.bits());
        assertInstanceOf(ScalarSgemm.class, kernel);
        assertEquals(0, KernelProvider.bits(kernel));
    }

    @Test
    void withoutTheModuleEveryKernelIsScalarAndTheReasonNamesTheFlag() {
        KernelChoice choice = KernelProvider.decide(null, null, false, 0);
        assertEquals(0, choice.bits());
        assertEquals("the JVM was started without --add-modules jdk.incubator.vector", choice.reason());
    }

    @Test
    void theWidthIsTheWidestUnlessForcedAndForcingIsCappedAtTheWidest() {
        assertEquals(new KernelChoice(512, "the widest this JVM runs"), KernelProvider.decide(null, null, true, 512));
        assertEquals(new KernelChoice(512, "the widest this JVM runs"), KernelProvider.decide("true", null, true, 512));
        assertEquals(new KernelChoice(256, "bitbudget.vector.bits=256"), KernelProvider.decide(null, "256", true, 512));
        assertEquals(new KernelChoice(128, "bitbudget.vector.bits=128"), KernelProvider.decide(null, "128", true, 256));
        assertEquals(
                new KernelChoice(256, "bitbudget.vector.bits=512 capped at 256, the widest this JVM runs"),
                KernelProvider.decide(null, "512", true, 256));
        assertEquals(
                new KernelChoice(
                        512, "bitbudget.vector.bits=100 is not 128, 256 or 512, so the widest this " + "JVM runs"),
                KernelProvider.decide(null, "100", true, 512));
        assertEquals(
                new KernelChoice(0, "the widest vector of this JVM has only 64 bits"),
                KernelProvider.decide(null, null, true, 64));
    }

    @Test
    void theWidthsRunFrom128BitsToThePreferredShapeCappedAt512() {
        int widest = Math.min(512, VectorShape.preferredShape().vectorBitSize());
        List<Integer> expected =
                Stream.iterate(128, bits -> bits <= widest, bits -> bits * 2).toList();
        assertFalse(expected.isEmpty(), "this JVM runs no 128-bit vectors");
        assertEquals(expected, KernelProvider.widths());
        assertEquals(
                KernelProvider.decide(
                        System.getProperty(KernelProvider.VECTOR_PROPERTY),
                        System.getProperty(KernelProvider.BITS_PROPERTY),
                        true,
                        widest),
                KernelProvider.choice());
    }

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void aForcedWidthGivesOneKernelOfThatWidthThatEqualsTheScalarTwin(int bits) {
        Sgemm kernel = KernelProvider.at(new SgemmFamily(), bits);
        assertEquals(bits, KernelProvider.bits(kernel));
        assertTrue(
                kernel.getClass().getName().startsWith("org.bitbudget.ops.compute.sgemm.VectorSgemm"),
                kernel.getClass().getName());
        assertSame(kernel, KernelProvider.at(new SgemmFamily(), bits), "one kernel per family and width");
        assertSame(kernel, KernelProvider.vector(new SgemmFamily(), bits));
        // 17 columns: two full vectors and a masked tail at 128 bits, a masked vector at 512.
        Random random = new Random(bits);
        float[] a = new float[3 * 5];
        float[] b = new float[5 * 17];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat();
        }
        float[] expected = new float[3 * 17];
        float[] actual = new float[3 * 17];
        new ScalarSgemm().multiplyAdd(3, 17, 5, a, 0, 5, b, 0, 17, expected, 0, 17);
        kernel.multiplyAdd(3, 17, 5, a, 0, 5, b, 0, 17, actual, 0, 17);
        assertArrayEquals(expected, actual);
    }

    @Test
    void widthsThisJvmCannotRunAreRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> KernelProvider.at(new SgemmFamily(), 1024));
        assertTrue(e.getMessage().startsWith("1024-bit vectors cannot run in this JVM; it runs [128"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelProvider.vector(new SgemmFamily(), 96));
    }

    @Test
    void theKernelInUseIsTheOneAtTheChosenWidth() {
        Sgemm inUse = SgemmFamily.get();
        assertSame(inUse, KernelProvider.get(new SgemmFamily()));
        assertEquals(KernelProvider.choice().bits(), KernelProvider.bits(inUse));
    }
}
