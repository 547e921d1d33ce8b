package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.bitbudget.ir.precision.Precision;
import org.junit.jupiter.api.Test;

/** The candidates phase: which combinations are candidates, their labels, and errors naming the setting. */
class CandidatesPhaseTest {
    @Test
    void narrowAccumulatorsPairOnlyWithSignedIntegerWeightsAndIntegerActivations() {
        CandidatesPhase phase =
                new CandidatesPhase(List.of("int8", "fp8-e4m3"), List.of("uint8", "float"), List.of(32, 16));
        assertEquals(
                List.of("int8/uint8", "int8/uint8/acc16", "int8", "fp8-e4m3/uint8", "fp8-e4m3"),
                phase.precisions().stream().map(Precision::label).toList());
    }

    @Test
    void settingsThatCannotWorkNameTheSetting() {
        SettingException format = assertThrows(
                SettingException.class, () -> new CandidatesPhase(List.of("int8"), List.of("uint9x"), List.of(32)));
        assertEquals(Setting.ACTIVATION_FORMATS, format.setting());
        SettingException width = assertThrows(
                SettingException.class, () -> new CandidatesPhase(List.of("int8"), List.of("uint8"), List.of(80)));
        assertEquals("accumulators: 80 is not between 2 and 64 bits", width.getMessage());
        SettingException none = assertThrows(
                SettingException.class, () -> new CandidatesPhase(List.of("fp8-e4m3"), List.of("float"), List.of(16)));
        assertEquals(Setting.ACCUMULATORS, none.setting());
        SettingException tooNarrow = assertThrows(
                SettingException.class, () -> new CandidatesPhase(List.of("int8"), List.of("uint8"), List.of(8)));
        assertEquals(
                "accumulators: a 8-bit accumulator cannot hold even one weight times the largest uint8 input",
                tooNarrow.getMessage());
        SettingException empty = assertThrows(
                SettingException.class, () -> new CandidatesPhase(List.of(), List.of("float"), List.of(32)));
        assertEquals("weight formats: at least one candidate is required", empty.getMessage());
    }
}
