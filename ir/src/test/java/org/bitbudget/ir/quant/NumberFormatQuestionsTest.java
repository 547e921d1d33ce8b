package org.bitbudget.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every built-in format answers about itself, against the class-specific rules the call sites
 * used before they asked the format: integer formats' codes are their values (step 1, min and max
 * code the record's min and max); a minifloat's code step is its smallest subnormal
 * 2^(1 − bias − M) and its precision bits M + 2; the int8-code formats are exactly the signed
 * integers of at most 8 bits and the minifloats whose values all scale to integers in [−127, 127]
 * (fp4-e2m1 with codes up to 12, fp6-e2m3 up to 60), as the integer engine's lookup table had them.
 */
class NumberFormatQuestionsTest {

    static Stream<String> names() {
        List<String> names = new ArrayList<>(List.of(
                "float",
                "binary",
                "ternary",
                "fp8-e4m3",
                "fp8-e5m2",
                "fp6-e3m2",
                "fp6-e2m3",
                "fp4-e2m1",
                "fp5-e2m2",
                "fp7-e3m3",
                "fp8-e3m4"));
        for (int b = 2; b <= 8; b++) {
            names.addAll(List.of("int" + b, "int" + b + "-full", "uint" + b));
        }
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("names")
    void answersAsTheClassSpecificRulesDid(String name) {
        NumberFormat f = NumberFormat.parse(name);
        assertEquals(!(f instanceof NumberFormat.Unquantized), f.quantizes(), "quantizes");
        assertEquals(f instanceof IntegerFormat, f.isInteger(), "isInteger");
        assertEquals(f.minValue() < 0, !f.unsigned(), "unsigned");
        switch (f) {
            case IntegerFormat i -> {
                assertEquals(i.signOnly(), f.signOnly());
                assertEquals(1.0, f.codeStep());
                assertEquals(i.min(), f.minCode());
                assertEquals(i.max(), f.maxCode());
                assertEquals(Math.max(Math.abs((long) i.min()), Math.abs((long) i.max())), f.maxAbsCode());
                assertEquals(i.min() < 0 && i.bits() <= 8, f.fitsInt8Codes(), "fits int8 codes");
                assertEquals(i.bits(), f.precisionBits());
            }
            case MiniFloatFormat m -> {
                assertFalse(f.signOnly());
                double step = Math.scalb(1.0, m.minExponent() - m.mantissaBits());
                assertEquals(step, f.codeStep());
                assertEquals(m.maxValue() / step, f.maxAbsCode());
                assertEquals(-f.maxAbsCode(), f.minValue() / step);
                assertEquals(lookupTableFits(m), f.fitsInt8Codes(), "fits int8 codes");
                assertEquals(m.mantissaBits() + 2, f.precisionBits());
            }
            default -> {
                assertFalse(f.signOnly());
                assertFalse(f.fitsInt8Codes());
                assertEquals(Float.MIN_VALUE, f.codeStep());
                assertEquals(25, f.precisionBits());
            }
        }
    }

    /** The integer engine's former lookup-table rule: every value × 2^(M − minExponent) an integer in ±127. */
    private static boolean lookupTableFits(MiniFloatFormat m) {
        int shift = m.mantissaBits() - m.minExponent();
        for (float v : m.values()) {
            double scaled = Math.scalb((double) v, shift);
            if (scaled != Math.rint(scaled) || Math.abs(scaled) > Byte.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyValueIsAnIntegerCodeTimesTheLargestPowerOfTwoStep(String name) {
        NumberFormat f = NumberFormat.parse(name);
        if (!f.quantizes()) {
            return;
        }
        double step = f.codeStep();
        assertEquals(step, Math.scalb(1.0, Math.getExponent(step)), "a power of two");
        boolean someCodeOdd = false;
        for (float v : f.values()) {
            double code = v / step;
            assertEquals(Math.rint(code), code, v + " / " + step);
            someCodeOdd |= Math.abs(code % 2) == 1;
        }
        assertTrue(someCodeOdd, "no larger power of two divides every value");
        float[] values = f.values();
        if (f.maxAbsCode() <= Integer.MAX_VALUE) {
            assertEquals(values[0] / step, f.minCode());
            assertEquals(values[values.length - 1] / step, f.maxCode());
        } else {
            // fp8-e5m2's codes reach ±57344 · 2^16: the int codes saturate.
            assertEquals(Integer.MIN_VALUE, f.minCode());
            assertEquals(Integer.MAX_VALUE, f.maxCode());
        }
    }

    @Test
    void handKnownFacts() {
        Set<String> int8Codes = new TreeSet<>();
        names().filter(n -> NumberFormat.parse(n).fitsInt8Codes()).forEach(int8Codes::add);
        Set<String> expected = new TreeSet<>(List.of("binary", "ternary", "fp4-e2m1", "fp5-e2m2", "fp6-e2m3"));
        for (int b = 2; b <= 8; b++) {
            expected.addAll(List.of("int" + b, "int" + b + "-full"));
        }
        assertEquals(expected, int8Codes);
        assertEquals(12, NumberFormat.parse("fp4-e2m1").maxCode());
        assertEquals(28, NumberFormat.parse("fp5-e2m2").maxCode());
        assertEquals(60, NumberFormat.parse("fp6-e2m3").maxCode());
        assertEquals(448, NumberFormat.parse("fp6-e3m2").maxCode());
        assertEquals(57344.0 * 65536, NumberFormat.parse("fp8-e5m2").maxAbsCode());
        assertEquals(-128, NumberFormat.parse("int8-full").minCode());
        assertEquals(255, NumberFormat.parse("uint8").maxCode());
        assertTrue(NumberFormat.parse("binary").signOnly());
        assertEquals(5, NumberFormat.parse("fp8-e4m3").precisionBits());
        assertEquals(3, NumberFormat.parse("fp4-e2m1").precisionBits());
    }
}
