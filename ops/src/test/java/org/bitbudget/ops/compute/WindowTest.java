package org.bitbudget.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitbudget.ir.graph.Op.AutoPad;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Window#resolve}, the geometry shared by convolution and pooling, against output
 * sizes and pads worked out by hand from ONNX's formulas: out = floor((in + pads - (k - 1) * d - 1) / s)
 * + 1 (ceil with ceil_mode, dropping a last window that would start in the end padding), and for
 * SAME_* out = ceil(in / s) with total pad (out - 1) * s + (k - 1) * d + 1 - in, the odd one going
 * to the end (UPPER) or the beginning (LOWER). Every expectation is the whole resolved window.
 */
class WindowTest {

    /** A 2-D window: input, kernel, strides, dilations, pads (top, left, bottom, right), output. */
    private static Window window(
            int inH,
            int inW,
            int kH,
            int kW,
            int sH,
            int sW,
            int dH,
            int dW,
            int top,
            int left,
            int bottom,
            int right,
            int outH,
            int outW) {
        return new Window(inH, inW, kH, kW, sH, sW, dH, dW, top, left, bottom, right, outH, outW);
    }

    @Test
    void noPaddingShrinksByKernelMinusOne() {
        // 28 - 5 + 1 = 24
        assertEquals(
                window(28, 28, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0, 24, 24),
                Window.resolve(new int[] {28, 28}, new int[] {5, 5}, null, null, null, AutoPad.NOTSET, false));
    }

    @Test
    void padsOfTwoKeepTheSizeOfAFiveByFiveKernel() {
        // 28 + 2 + 2 - 5 + 1 = 28
        assertEquals(
                window(28, 28, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 28, 28),
                Window.resolve(
                        new int[] {28, 28},
                        new int[] {5, 5},
                        null,
                        new int[] {2, 2, 2, 2},
                        null,
                        AutoPad.NOTSET,
                        false));
    }

    @Test
    void asymmetricPads() {
        // H: 7 + 0 + 2 - 3 = 6 -> 7; W: 9 + 1 + 0 - 2 = 8 -> 9
        assertEquals(
                window(7, 9, 3, 2, 1, 1, 1, 1, 0, 1, 2, 0, 7, 9),
                Window.resolve(
                        new int[] {7, 9}, new int[] {3, 2}, null, new int[] {0, 1, 2, 0}, null, AutoPad.NOTSET, false));
    }

    @Test
    void unequalStridesFloorTheLastPartialWindow() {
        // H: (11 - 3) / 2 = 4 -> 5; W: (10 - 2) / 3 = 2.67 -> 2 -> 3
        assertEquals(
                window(11, 10, 3, 2, 2, 3, 1, 1, 0, 0, 0, 0, 5, 3),
                Window.resolve(
                        new int[] {11, 10}, new int[] {3, 2}, new int[] {2, 3}, null, null, AutoPad.NOTSET, false));
    }

    @Test
    void dilationWidensTheKernel() {
        // effective kernel (3 - 1) * 2 + 1 = 5; H: 13 + 4 - 5 = 12 -> 13; W: 10 + 2 - 5 = 7 -> 8
        assertEquals(
                window(13, 10, 3, 3, 1, 1, 2, 2, 2, 1, 2, 1, 13, 8),
                Window.resolve(
                        new int[] {13, 10},
                        new int[] {3, 3},
                        null,
                        new int[] {2, 1, 2, 1},
                        new int[] {2, 2},
                        AutoPad.NOTSET,
                        false));
    }

    @Test
    void ceilModeKeepsAPartialLastWindow() {
        // (10 - 3) / 2 = 3.5: floor gives 3 + 1 = 4, ceil 4 + 1 = 5 (the last window starts at 8 < 10)
        assertEquals(
                window(10, 10, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 4, 4),
                Window.resolve(
                        new int[] {10, 10}, new int[] {3, 3}, new int[] {2, 2}, null, null, AutoPad.NOTSET, false));
        assertEquals(
                window(10, 10, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 5, 5),
                Window.resolve(
                        new int[] {10, 10}, new int[] {3, 3}, new int[] {2, 2}, null, null, AutoPad.NOTSET, true));
    }

    @Test
    void ceilModeDropsAWindowThatWouldStartInTheEndPadding() {
        // 9 + 1 + 1 - 2 = 9: ceil(9 / 2) + 1 = 6, but window 5 starts at 5 * 2 = 10 >= 9 + 1, so 5
        // (ONNX Runtime's kernel and PyTorch agree); floor gives 4 + 1 = 5 too
        assertEquals(
                window(9, 9, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 5, 5),
                Window.resolve(
                        new int[] {9, 9},
                        new int[] {2, 2},
                        new int[] {2, 2},
                        new int[] {1, 1, 1, 1},
                        null,
                        AutoPad.NOTSET,
                        true));
        assertEquals(
                window(9, 9, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 5, 5),
                Window.resolve(
                        new int[] {9, 9},
                        new int[] {2, 2},
                        new int[] {2, 2},
                        new int[] {1, 1, 1, 1},
                        null,
                        AutoPad.NOTSET,
                        false));
    }

    @Test
    void sameUpperPutsTheOddPadAtTheEnd() {
        // H: out ceil(9 / 2) = 5, total (5 - 1) * 2 + 4 - 9 = 3 -> 1 + 2; W: out 5, total 8 + 4 - 10 = 2 -> 1 + 1
        assertEquals(
                window(9, 10, 4, 4, 2, 2, 1, 1, 1, 1, 2, 1, 5, 5),
                Window.resolve(
                        new int[] {9, 10}, new int[] {4, 4}, new int[] {2, 2}, null, null, AutoPad.SAME_UPPER, false));
    }

    @Test
    void sameLowerPutsTheOddPadAtTheBeginning() {
        assertEquals(
                window(9, 10, 4, 4, 2, 2, 1, 1, 2, 1, 1, 1, 5, 5),
                Window.resolve(
                        new int[] {9, 10}, new int[] {4, 4}, new int[] {2, 2}, null, null, AutoPad.SAME_LOWER, false));
    }

    @Test
    void sameWithDilationCountsTheEffectiveKernel() {
        // out 7, total 6 * 1 + (3 - 1) * 2 + 1 - 7 = 4 -> 2 + 2
        assertEquals(
                window(1, 7, 1, 3, 1, 1, 1, 2, 0, 2, 0, 2, 1, 7),
                Window.resolve(new int[] {7}, new int[] {3}, null, null, new int[] {2}, AutoPad.SAME_UPPER, false));
    }

    @Test
    void sameNeverPadsNegatively() {
        // out ceil(11 / 4) = 3, total (3 - 1) * 4 + 2 - 11 = -1 -> 0
        assertEquals(
                window(1, 11, 1, 2, 1, 4, 1, 1, 0, 0, 0, 0, 1, 3),
                Window.resolve(new int[] {11}, new int[] {2}, new int[] {4}, null, null, AutoPad.SAME_LOWER, false));
    }

    @Test
    void validIgnoresPads() {
        // H: (10 - 3) / 3 = 2 -> 3; W: (11 - 3) / 3 = 2 -> 3
        assertEquals(
                window(10, 11, 3, 3, 3, 3, 1, 1, 0, 0, 0, 0, 3, 3),
                Window.resolve(
                        new int[] {10, 11},
                        new int[] {3, 3},
                        new int[] {3, 3},
                        new int[] {1, 1, 1, 1},
                        null,
                        AutoPad.VALID,
                        false));
    }

    @Test
    void oneDimensionalWindowIsTwoDimensionalWithHeightOne() {
        // effective kernel (4 - 1) * 2 + 1 = 7; 17 + 1 + 2 - 7 = 13, / 2 = 6 -> 7
        Window w = Window.resolve(
                new int[] {17}, new int[] {4}, new int[] {2}, new int[] {1, 2}, new int[] {2}, AutoPad.NOTSET, false);
        assertEquals(window(1, 17, 1, 4, 1, 2, 1, 2, 0, 1, 0, 2, 1, 7), w);
        assertEquals(7, w.outSize());
        assertEquals(17, w.inSize());
    }

    @Test
    void windowLargerThanThePaddedInputIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Window.resolve(
                        new int[] {2, 8}, new int[] {5, 3}, null, new int[] {1, 0, 1, 0}, null, AutoPad.NOTSET, false));
        assertTrue(e.getMessage().contains("larger than the padded input (2 + 1 + 1)"), e.getMessage());
    }
}
