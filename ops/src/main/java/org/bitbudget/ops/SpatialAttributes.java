package org.bitbudget.ops;

import java.util.Arrays;
import java.util.Locale;
import org.bitbudget.ir.graph.Op;

/** The window attributes Conv and the pooling operators share, read and checked one way. */
final class SpatialAttributes {
    private SpatialAttributes() {}

    static Op.AutoPad autoPad(OnnxNode n) {
        String s = n.getString("auto_pad", "NOTSET");
        try {
            return Op.AutoPad.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw n.error("auto_pad '" + s + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
    }

    static void check(OnnxNode n, int[] kernel, int[] strides, int[] dilations, int[] pads) {
        int rank = kernel != null
                ? kernel.length
                : strides != null ? strides.length : dilations != null ? dilations.length : -1;
        if (kernel != null) {
            requirePositive(n, "kernel_shape", kernel);
        }
        if (strides != null) {
            requirePositive(n, "strides", strides);
            requireLength(n, "strides", strides, rank);
        }
        if (dilations != null) {
            requirePositive(n, "dilations", dilations);
            requireLength(n, "dilations", dilations, rank);
        }
        if (pads != null) {
            if (rank >= 0 && pads.length != 2 * rank) {
                throw n.error("pads has " + pads.length + " values; " + 2 * rank + " expected");
            }
            for (int pad : pads) {
                if (pad < 0) {
                    throw n.error("negative pads are not supported: " + Arrays.toString(pads));
                }
            }
        }
    }

    private static void requirePositive(OnnxNode n, String name, int[] values) {
        for (int v : values) {
            if (v < 1) {
                throw n.error(name + " must be positive, got " + Arrays.toString(values));
            }
        }
    }

    private static void requireLength(OnnxNode n, String name, int[] values, int rank) {
        if (rank >= 0 && values.length != rank) {
            throw n.error(name + " has " + values.length + " values; " + rank + " expected");
        }
    }

    /** Writes the window attributes BitBudget keeps for both operators. */
    static void write(AttributeWriter out, int[] kernel, int[] strides, int[] pads) {
        out.ints("kernel_shape", kernel);
        out.ints("strides", strides);
        out.ints("pads", pads);
    }
}
