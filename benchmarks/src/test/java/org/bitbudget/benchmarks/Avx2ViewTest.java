package org.bitbudget.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code benchmarks/avx2-view} shows a process a CPU without AVX-512 where Linux can fault CPUID:
 * HotSpot then compiles for AVX2 at most (its {@code UseAVX} flag 2 or lower, vectors of 32 bytes
 * or fewer), CPUID run from native code after ONNX Runtime has loaded (as its kernels run it, through
 * the signal handler HotSpot chains to) reports no AVX-512, and ONNX Runtime still gives lenet5's
 * logits as without the view. Where the kernel cannot fault CPUID the script refuses with one line
 * and exit code 2.
 */
class Avx2ViewTest {

    /**
     * Logits of the two runs may differ by the rounding of ONNX Runtime's AVX2 against its AVX-512
     * kernels (another summation order over at most 400 products per output, logits of magnitude
     * below 100): 1e-4 is far above that rounding and far below what a wrong kernel gives.
     */
    private static final double LOGIT_TOLERANCE = 1e-4;

    private static final Path SCRIPT = Path.of("avx2-view").toAbsolutePath();

    @Test
    void hidesAvx512FromTheJvmAndOnnxRuntime() throws IOException {
        boolean faulting = Files.readString(Path.of("/proc/cpuinfo")).matches("(?s).*\\bcpuid_fault\\b.*");
        Run viewed = run(true);
        if (!faulting) {
            assertEquals(2, viewed.exitCode, viewed.output);
            assertTrue(viewed.output.strip().matches("avx2-view: /proc/cpuinfo: no cpuid_fault flag.*"), viewed.output);
            return;
        }
        Run plain = run(false);
        assertEquals(0, plain.exitCode, plain.output);
        assertEquals(0, viewed.exitCode, viewed.output);
        assertTrue(Integer.parseInt(viewed.flag("UseAVX")) <= 2, viewed.output);
        assertTrue(Integer.parseInt(viewed.flag("MaxVectorSize")) <= 32, viewed.output);
        assertEquals("false", viewed.flag("avx512f"), viewed.output);
        List<double[]> expected = plain.logits();
        List<double[]> actual = viewed.logits();
        assertEquals(Avx2ViewProbe.IMAGES, expected.size(), plain.output);
        assertEquals(expected.size(), actual.size(), viewed.output);
        for (int image = 0; image < expected.size(); image++) {
            assertEquals(10, actual.get(image).length, viewed.output);
            for (int c = 0; c < 10; c++) {
                assertEquals(
                        expected.get(image)[c],
                        actual.get(image)[c],
                        LOGIT_TOLERANCE,
                        "image " + image + " class " + c);
            }
        }
    }

    private static Run run(boolean viewed) {
        List<String> command = new ArrayList<>();
        if (viewed) {
            command.add(SCRIPT.toString());
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> !option.startsWith("-agentlib") && !option.startsWith("-javaagent"))
                .filter(option -> !option.startsWith("-D"))
                .toList());
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bitbudget."))
                .sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Avx2ViewProbe.class.getName());
        try {
            Path log = Files.createTempFile("avx2-view", ".log");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                boolean ended = process.waitFor(2, TimeUnit.MINUTES);
                if (!ended) {
                    process.destroyForcibly().waitFor();
                }
                String output = Files.readString(log);
                assertTrue(ended, "the probe did not end in 2 minutes:\n" + output);
                return new Run(process.exitValue(), output);
            } finally {
                Files.delete(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the probe ran", e);
        }
    }

    private record Run(int exitCode, String output) {
        String flag(String name) {
            return output.lines()
                    .filter(line -> line.startsWith(name + "="))
                    .map(line -> line.substring(name.length() + 1))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + " in:\n" + output));
        }

        List<double[]> logits() {
            return output.lines()
                    .filter(line -> line.startsWith("logits "))
                    .map(line -> Pattern.compile(" ")
                            .splitAsStream(line.substring("logits ".length()))
                            .mapToDouble(Double::parseDouble)
                            .toArray())
                    .toList();
        }
    }
}
