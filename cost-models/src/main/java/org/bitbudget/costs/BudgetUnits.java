package org.bitbudget.costs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The units a budget on a cost may write its limit in, each with its factor to the cost model's
 * {@link CostModel#unit()}; {@link CostModels} gives every cost model one, the pipeline's {@code Budgets} reads it.
 */
public enum BudgetUnits {
    /** Stored size in bits: {@code bits}, {@code B}, {@code KiB}, {@code MiB}, {@code GiB}, {@code KB}, ... */
    SIZE_BITS(sizeBits()),
    /** Memory in bytes: the same units as {@link #SIZE_BITS}. */
    BYTES(memoryBytes()),
    /** A count: no unit or {@code k}, {@code M}, {@code G}, {@code T}. */
    COUNT(units("", 1.0, "k", 1e3, "K", 1e3, "M", 1e6, "G", 1e9, "T", 1e12)),
    /** Time in milliseconds: {@code ns}, {@code us}, {@code ms}, {@code s}. */
    MILLISECONDS(units("ns", 1e-6, "us", 1e-3, "µs", 1e-3, "ms", 1.0, "s", 1e3)),
    /** Energy in picojoules: {@code pJ}, {@code nJ}, {@code uJ}, {@code mJ}, {@code J}. */
    PICOJOULES(units("pJ", 1.0, "nJ", 1e3, "uJ", 1e6, "µJ", 1e6, "mJ", 1e9, "J", 1e12)),
    /** A width in bits: no unit or {@code bits}. */
    BITS(units("", 1.0, "bits", 1.0, "bit", 1.0));

    private final Map<String, Double> factors;

    BudgetUnits(Map<String, Double> factors) {
        this.factors = Collections.unmodifiableMap(factors);
    }

    /** Unit name → factor to the cost model's unit, in the order error messages list them; "" is no unit. */
    public Map<String, Double> factors() {
        return factors;
    }

    private static Map<String, Double> bytes() {
        Map<String, Double> bytes = new LinkedHashMap<>();
        bytes.put("B", 1.0);
        bytes.put("bytes", 1.0);
        bytes.put("KiB", 1024.0);
        bytes.put("MiB", 1024.0 * 1024);
        bytes.put("GiB", 1024.0 * 1024 * 1024);
        bytes.put("KB", 1e3);
        bytes.put("kB", 1e3);
        bytes.put("MB", 1e6);
        bytes.put("GB", 1e9);
        return bytes;
    }

    private static Map<String, Double> sizeBits() {
        Map<String, Double> sizeBits = new LinkedHashMap<>();
        sizeBits.put("bits", 1.0);
        sizeBits.put("bit", 1.0);
        bytes().forEach((u, f) -> sizeBits.put(u, f * 8));
        return sizeBits;
    }

    private static Map<String, Double> memoryBytes() {
        Map<String, Double> memBytes = bytes();
        memBytes.put("bits", 1.0 / 8);
        return memBytes;
    }

    /** Unit name → factor, in the order error messages list them. */
    private static Map<String, Double> units(Object... pairs) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Double) pairs[i + 1]);
        }
        return m;
    }
}
