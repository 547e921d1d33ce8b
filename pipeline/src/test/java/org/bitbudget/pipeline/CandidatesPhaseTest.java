package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.RuntimeTarget;
import org.bitbudget.onnx.OnnxImporter;
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

    @Test
    void x86WithoutVnniSearchesWhatItRunsAndSaysWhich() {
        CandidatesPhase phase = new CandidatesPhase(
                List.of("int8", "int4"), List.of("uint8", "float"), List.of(32), RuntimeTarget.X86_AVX2, List.of());
        assertEquals(
                List.of("int7/uint8", "int8", "int4/uint8", "int4"),
                phase.precisions().stream().map(Precision::label).toList());
        assertEquals(
                List.of("target x86-avx2: candidate int8/uint8: weights int8 -> int7 (u8 x s8 pair sums up to 64,770"
                        + " would saturate int16 in vpmaddubsw)"),
                phase.targetNotes());
        CandidatesPhase generic =
                new CandidatesPhase(List.of("int8"), List.of("uint8"), List.of(32), RuntimeTarget.GENERIC, List.of());
        assertEquals(
                List.of("int8/uint8"),
                generic.precisions().stream().map(Precision::label).toList());
        assertEquals(List.of(), generic.targetNotes());
    }

    @Test
    void ignoredLayersAreNotSearched() {
        Graph lenet = OnnxImporter.load(Path.of("models", "lenet5-fashion-mnist.onnx"));
        CandidatesPhase phase = new CandidatesPhase(
                List.of("int8"), List.of("float"), List.of(32), RuntimeTarget.GENERIC, List.of("op:Gemm", "/c1/Conv"));
        assertEquals(List.of("/c2/Conv"), phase.run(lenet).layers());
        SettingException none = assertThrows(
                SettingException.class,
                () -> new CandidatesPhase(
                                List.of("int8"), List.of("float"), List.of(32), RuntimeTarget.GENERIC, List.of("/x/*"))
                        .run(lenet));
        assertEquals(Setting.IGNORE, none.setting());
        assertEquals("/x/*", none.value());
        SettingException all = assertThrows(
                SettingException.class,
                () -> new CandidatesPhase(
                                List.of("int8"), List.of("float"), List.of(32), RuntimeTarget.GENERIC, List.of("re:.*"))
                        .run(lenet));
        assertEquals("ignore: every layer is ignored; nothing is left to search", all.getMessage());
    }
}
