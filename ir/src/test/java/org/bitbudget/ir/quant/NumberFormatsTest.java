package org.bitbudget.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry of formats by name: the built-ins in their documented order (which the "unknown
 * format" error has always listed), exact names before family patterns, and registration of a
 * new format and a new family, which parse and appear in the error from then on. The formats this
 * test registers ({@code int12}, {@code int0-zero}, the {@code pow2-kN} family) are names no other
 * test uses, so the shared registry stays as the other tests expect.
 */
class NumberFormatsTest {
    private static final List<String> BUILT_IN = List.of(
            "float",
            "int2..int8, int2-full..int8-full, uint2..uint8",
            "binary",
            "ternary",
            "fp8-e4m3",
            "fp8-e5m2",
            "fp6-e3m2",
            "fp6-e2m3",
            "fp4-e2m1",
            "fpN-eEmM");

    @Test
    void builtInsComeFirstInTheirDocumentedOrder() {
        assertEquals(BUILT_IN, NumberFormats.names().subList(0, BUILT_IN.size()));
    }

    @Test
    void unknownNameErrorListsEveryRegisteredName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumberFormat.parse("int9"));
        List<String> names = NumberFormats.names();
        String expected = String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
        assertEquals("unknown format 'int9' (expected " + expected + ")", e.getMessage());
        assertTrue(
                e.getMessage()
                        .startsWith("unknown format 'int9' (expected float, int2..int8, int2-full..int8-full, "
                                + "uint2..uint8, binary, ternary, fp8-e4m3, fp8-e5m2, fp6-e3m2, fp6-e2m3, fp4-e2m1"),
                e.getMessage());
    }

    @Test
    void exactNamesWinOverFamilies() {
        // fpN-eEmM would read fp8-e4m3 as the all-finite format (max 480); the OCP format's max is 448.
        assertSame(MiniFloatFormat.FP8_E4M3, NumberFormat.parse("fp8-e4m3"));
        assertEquals(448.0, NumberFormat.parse("FP8-E4M3").maxValue());
        assertEquals(MiniFloatFormat.allFinite(3, 4), NumberFormat.parse("fp8-e3m4"));
        assertEquals(IntegerFormat.symmetric(6), NumberFormat.parse("int6"));
    }

    @Test
    void aRegisteredFormatParsesAndIsListed() {
        NumberFormats.register(IntegerFormat.symmetric(12), "int12-symmetric");
        assertEquals(IntegerFormat.symmetric(12), NumberFormat.parse(" INT12 "));
        assertEquals(IntegerFormat.symmetric(12), NumberFormat.parse("int12-symmetric"));
        assertTrue(
                NumberFormats.names().contains("int12"), NumberFormats.names().toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NumberFormat.parse("int13"))
                .getMessage()
                .contains("int12"));
    }

    @Test
    void namesAlreadyTakenAreRefused() {
        IllegalArgumentException twice =
                assertThrows(IllegalArgumentException.class, () -> NumberFormats.register(IntegerFormat.binary()));
        assertEquals("'binary' already names the format binary", twice.getMessage());
        IllegalArgumentException familyMember = assertThrows(
                IllegalArgumentException.class, () -> NumberFormats.register(MiniFloatFormat.allFinite(3, 4)));
        assertEquals("'fp8-e3m4' already names the format fp8-e3m4", familyMember.getMessage());
        IllegalArgumentException alias = assertThrows(
                IllegalArgumentException.class,
                () -> NumberFormats.register(new IntegerFormat("int0-zero", 1, 0, 0, false), "FP32"));
        assertEquals("'FP32' already names the format float", alias.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> NumberFormat.parse("int0-zero"),
                "a refused registration registers none of its names");
    }

    @Test
    void aRegisteredFamilyParsesItsMembersAndExplainsBadOnes() {
        // pow2-kN: the integers −2^N … 2^N, a signed grid of N + 2 bits.
        NumberFormats.register(new NumberFormats.Family("pow2-kN", name -> {
            if (!name.matches("pow2-k[0-9]+")) {
                return null;
            }
            int n = Integer.parseInt(name.substring("pow2-k".length()));
            if (n > 14) {
                throw new IllegalArgumentException("N must be at most 14");
            }
            return new IntegerFormat(name, n + 2, -(1 << n), 1 << n, false);
        }));
        NumberFormat f = NumberFormat.parse("pow2-k3");
        assertEquals(8, f.maxCode());
        assertEquals(5, f.bits());
        assertEquals(
                "'pow2-k20': N must be at most 14",
                assertThrows(IllegalArgumentException.class, () -> NumberFormat.parse("pow2-k20"))
                        .getMessage());
        assertTrue(NumberFormats.names().contains("pow2-kN"));
    }
}
