package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bitbudget.experiments.batch.ResultsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT and SIGTERM sent to a real {@code bitbudget} process while it is in a given phase (found from
 * its {@code --verbose} log): the process writes what it finished and exits with 128 + the signal's
 * number within the two seconds of the signal; a second signal ends it at once.
 */
class SignalTest {
    private static final Path PROJECT = Path.of(System.getProperty("bitbudget.defaultModel", "../models/x.onnx"))
            .toAbsolutePath()
            .getParent()
            .getParent();
    private static final Path LENET = PROJECT.resolve("models/lenet5-fashion-mnist.onnx");
    private static final long EXIT_WITHIN_MILLIS = 2000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A running command whose stderr lines are collected as they come. */
    private record Running(Process process, List<String> err) {
        boolean saw(String text) {
            synchronized (err) {
                return err.stream().anyMatch(l -> l.contains(text));
            }
        }

        String log() {
            synchronized (err) {
                return String.join("\n", err);
            }
        }

        /** Waits until a stderr line contains {@code text} and the process has run {@code settle} ms more. */
        void awaitLine(String text, long settle) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!saw(text) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(saw(text) && process.isAlive(), "never reached '" + text + "' while running:\n" + log());
            Thread.sleep(settle);
            assertTrue(process.isAlive(), "finished before the signal:\n" + log());
        }

        /** Sends {@code signal} and returns the exit code; asserts the exit came within two seconds. */
        int signalAndWait(String signal) throws Exception {
            long sent = System.nanoTime();
            send(signal);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running a minute after SIG" + signal);
            long millis = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(millis <= EXIT_WITHIN_MILLIS, "exited " + millis + " ms after SIG" + signal + ":\n" + log());
            return process.exitValue();
        }

        void send(String signal) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            assertEquals(0, kill.waitFor());
        }
    }

    private static Running start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Dbitbudget.defaultModel=" + LENET,
                "-cp",
                System.getProperty("java.class.path"),
                "org.bitbudget.cli.BitBudgetCli"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> err = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (err) {
                        err.add(line);
                    }
                }
            } catch (IOException closed) {
                // The process ended.
            }
        });
        reader.setDaemon(true);
        reader.start();
        return new Running(p, err);
    }

    private static Running search(Path out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(
                List.of("search", "--model", LENET.toString(), "--out", out.toString(), "--verbose", "--threads", "2"));
        args.addAll(List.of(extra));
        return start(args.toArray(String[]::new));
    }

    /** The interrupted search's files: the chosen config and a result that says it stopped early. */
    private static void assertWrittenAndStopped(Path out, Running r) throws Exception {
        assertTrue(r.saw("bitbudget: interrupted: the config found so far is in " + out), r.log());
        JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
        assertEquals(5, config.get("layers").size(), config.toString());
        JsonNode result = JSON.readTree(out.resolve("result.json").toFile());
        assertTrue(result.get("stopped_early").asBoolean(), result.toString());
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".partial")), "no half-written file");
        }
    }

    @Test
    void sigintDuringSensitivityWritesAConfigAndExits130(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Running r = search(out, "--calibration", "4000", "--limit", "2000");
        r.awaitLine("sensitivity (measured)", 300);
        assertEquals(130, r.signalAndWait("INT"), r.log());
        assertWrittenAndStopped(out, r);
    }

    @Test
    void sigtermDuringTheSearchWritesTheBestSoFarAndExits143(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Running r =
                search(out, "--strategy", "ga", "--fitness", "measured", "--calibration", "1000", "--limit", "2000");
        r.awaitLine("search (ga)", 1000);
        assertEquals(143, r.signalAndWait("TERM"), r.log());
        assertWrittenAndStopped(out, r);
    }

    @Test
    void sigintDuringTheParetoSweepStopsIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Running r = search(out, "--pareto", "60", "--calibration", "256");
        r.awaitLine("pareto front", 500);
        assertEquals(130, r.signalAndWait("INT"), r.log());
        assertWrittenAndStopped(out, r);
        long points = Files.readAllLines(out.resolve("pareto.csv")).stream()
                .filter(l -> l.startsWith("pareto,") || l.startsWith("dominated,"))
                .count();
        assertTrue(points < 60, "the sweep stopped: " + points + " points");
    }

    @Test
    void aSecondSignalQuitsAtOnce(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Running r = search(out, "--strategy", "ga", "--fitness", "measured", "--calibration", "1000");
        r.awaitLine("search (ga)", 300);
        r.send("TERM");
        Thread.sleep(20);
        assertEquals(143, r.signalAndWait("TERM"), r.log());
        try (Stream<Path> files = Files.exists(out) ? Files.list(out) : Stream.empty()) {
            assertTrue(
                    files.noneMatch(f -> f.getFileName().toString().equals("result.json")
                            && !Files.isRegularFile(out.resolve("config.json"))),
                    "a result.json without its config");
        }
    }

    @Test
    void sigtermDuringSensitivityCommandWritesNoTable(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("table.csv");
        Running r =
                start("sensitivity", "--model", LENET.toString(), "--calibration", "4000", "--out", table.toString());
        Thread.sleep(100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // No phase log here: wait until the JVM has started and read its data, then signal.
        while (r.process().isAlive()
                && r.process().info().totalCpuDuration().orElseThrow().toMillis() < 3000
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(r.process().isAlive(), r.log());
        assertEquals(143, r.signalAndWait("TERM"), r.log());
        assertTrue(r.saw("interrupted: no sensitivity table written"), r.log());
        assertFalse(Files.exists(table));
    }

    @Test
    void sigtermStopsABatchWithoutKeepingTheCutRun(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("two.yaml");
        Files.writeString(yaml, """
                name: two
                models: [default]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [measured]
                strategies: [ga]
                fitness: measured
                budgets: ["size <= 0.6 x int8"]
                seeds: [0, 1]
                limit: 2000
                calibration: 4000
                """);
        Path out = dir.resolve("out");
        Running r = start("batch", yaml.toString(), "--out", out.toString());
        r.awaitLine("started", 500);
        assertEquals(143, r.signalAndWait("TERM"), r.log());
        assertTrue(r.saw("interrupted: no row kept"), r.log());
        assertEquals(List.of(), ResultsCsv.read(out.resolve("results.csv")).rows());
        try (Stream<Path> runs = Files.list(out.resolve("runs"))) {
            for (Path run : runs.toList()) {
                assertFalse(Files.exists(run.resolve("row.csv")), run.toString());
                assertFalse(Files.exists(run.resolve("claim")), "the claim is released: " + run);
            }
        }
    }
}
