package org.bitbudget.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bitbudget.kernels.bitserial.BitSerialFamily;
import org.bitbudget.kernels.bitserial.BitSerialGemm;
import org.bitbudget.kernels.bitserial.PlanePacker;
import org.bitbudget.kernels.bitserial.PlanePackerFamily;
import org.bitbudget.kernels.gemm.IntGemm;
import org.bitbudget.kernels.gemm.IntGemmFamily;
import org.bitbudget.kernels.gemm.ScalarIntGemm;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernels module's families under {@link KernelProvider}: at a forced width each gives a kernel
 * of that width (its own lane counts say so) or, below the family's minimum, its scalar twin; and,
 * each in a JVM of its own, the once-per-JVM decision with its one log line: without the Vector API
 * module (one warning naming the flag), with {@code bitbudget.vector=false}, and with a forced width.
 */
class KernelFamiliesTest {
    private static final String FLAG = "--add-modules jdk.incubator.vector";

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void aForcedWidthGivesKernelsOfThatWidth(int bits) {
        IntGemm gemm = KernelProvider.at(new IntGemmFamily(), bits);
        if (bits >= 256) {
            assertEquals(bits, KernelProvider.bits(gemm));
            assertEquals(bits / Short.SIZE, gemm.rowMultiple(), "int16 lanes of the int GEMM");
        } else {
            assertInstanceOf(ScalarIntGemm.class, gemm, "eight int lanes need 256 bits");
            assertEquals(1, gemm.rowMultiple());
        }
        BitSerialGemm bitSerial = KernelProvider.at(new BitSerialFamily(), bits);
        assertEquals(bits, KernelProvider.bits(bitSerial));
        assertEquals(bits / Long.SIZE, bitSerial.channelsPerVector(), "long lanes of the bit-serial GEMM");
        PlanePacker packer = KernelProvider.at(new PlanePackerFamily(), bits);
        assertEquals(bits, KernelProvider.bits(packer));
    }

    @Test
    void withoutTheModuleOneWarningNamesTheFlagAndEveryKernelIsScalar() throws Exception {
        Run run = run(false);
        assertEquals(List.of("choice=0", "sgemm=0", "int=0", "bitserial=0", "packer=0", "channels=1"), run.out());
        List<String> warnings =
                run.err().stream().filter(l -> l.startsWith("WARNING")).toList();
        assertEquals(1, warnings.size(), String.join("\n", run.err()));
        String warning = warnings.get(0);
        assertTrue(warning.contains("kernels: scalar, because the JVM was started without " + FLAG), warning);
        assertTrue(warning.contains("many times slower") && warning.contains("add " + FLAG), warning);
    }

    @Test
    void disabledVectorsGiveScalarKernelsAndSayWhy() throws Exception {
        Run run = run(true, "-Dbitbudget.vector=false");
        assertEquals(List.of("choice=0", "sgemm=0", "int=0", "bitserial=0", "packer=0", "channels=1"), run.out());
        assertTrue(
                run.err().contains("INFO: kernels: scalar, because bitbudget.vector=false"),
                String.join("\n", run.err()));
    }

    @Test
    void aForcedWidthIsLoggedWithEveryFamilysChoice() throws Exception {
        Run run = run(true, "-Dbitbudget.vector.bits=128");
        assertEquals(
                List.of("choice=128", "sgemm=128", "int=0", "bitserial=128", "packer=128", "channels=2"), run.out());
        List<String> lines =
                run.err().stream().filter(l -> l.contains("kernels:")).toList();
        assertEquals(1, lines.size(), String.join("\n", run.err()));
        String line = lines.get(0);
        assertTrue(line.startsWith("INFO: kernels: 128-bit Vector API (bitbudget.vector.bits=128): "), line);
        for (String family : List.of(
                "float SGEMM vector",
                "max pool 2x2 vector",
                "bit-serial GEMM vector",
                "plane packer vector",
                "int GEMM scalar (its vector kernel needs 256-bit vectors)")) {
            assertTrue(line.contains(family), family + " in " + line);
        }
    }

    /** What a JVM running {@link PrintKernels} printed on stdout and stderr. */
    private record Run(List<String> out, List<String> err) {}

    private static Run run(boolean module, String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (module) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PrintKernels.class.getName()));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
        assertEquals(0, process.exitValue(), err);
        return new Run(out.lines().toList(), err.lines().toList());
    }
}
