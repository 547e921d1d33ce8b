package org.bitbudget.pipeline;

import java.util.Locale;
import org.bitbudget.ir.precision.Precision;

/**
 * What the layers of a {@link org.bitbudget.ir.graph.CouplingGroups coupling group} share: their
 * activation format (the default: a residual join or a shared input is quantized on one grid), their
 * whole weight and activation formats as well ({@code all}: a runtime that fuses Q/K/V into one GEMM),
 * or nothing.
 */
public enum FormatCoupling {
    /** One activation format per group. */
    ACTIVATIONS,
    /** One weight format and one activation format per group. */
    ALL,
    /** No coupling. */
    NONE;

    /**
     * The coupling called {@code name}: {@code activations}, {@code all} or {@code none}.
     *
     * @throws SettingException for another name
     */
    public static FormatCoupling named(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "activations" -> ACTIVATIONS;
            case "all" -> ALL;
            case "none" -> NONE;
            default -> throw new SettingException(Setting.COUPLING, "'" + name + "' is not activations, all or none");
        };
    }

    /** What members of a group must agree on for a candidate: its class, compared by equality. */
    String key(Precision p) {
        String activations = p.activations().label(false);
        return this == ALL ? p.weights().label(true) + "/" + activations : activations;
    }
}
