package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress bars as a user sees them: {@code ./bitbudget} runs in a pseudo-terminal made by {@code
 * script} (util-linux, in every Debian), and the test reads the terminal's bytes as they arrive, with
 * their arrival times. A bar must be drawn while the work runs (frames that reach the terminal only at
 * the end all arrive at once), its log lines must stand on lines of their own, and a stderr that is not
 * the terminal must get no bar at all.
 */
class TerminalProgressTest {
    private static final Path PROJECT = Path.of(System.getProperty("bitbudget.defaultModel", "../models/x.onnx"))
            .toAbsolutePath()
            .getParent()
            .getParent();
    /** Six runs of about three seconds each on a shared 2-core machine. */
    private static final String BATCH = """
            name: pty
            models: [{name: lenet5, path: %s, normalize: "0.2860,0.3530"}]
            data: fashion-mnist
            formats: [int8, int4]
            activations: [uint8]
            estimators: [roundoff]
            strategies: [ilp, greedy, ga]
            budgets: ["size <= 40 KiB", "bops <= 0.6 x int8"]
            seeds: [0]
            limit: 300
            calibration: 200
            """;

    private static final Pattern FRAME = Pattern.compile("(batch|eval) +\\d+% .*");

    /** What the terminal received, and when each char of it arrived (System.nanoTime). */
    private record Received(String text, long[] nanos) {}

    private static Received inTerminal(String shellCommand) throws Exception {
        Process p = new ProcessBuilder("script", "-qfec", shellCommand, "/dev/null")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<long[]> chunks = new ArrayList<>();
        try (InputStream in = p.getInputStream()) {
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                chunks.add(new long[] {bytes.size() + n, System.nanoTime()});
                bytes.write(buffer, 0, n);
            }
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the command finished");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        // Arrival time of each char: the time its chunk was read (ASCII output, one byte per char).
        long[] nanos = new long[text.length()];
        int chunk = 0;
        for (int i = 0; i < nanos.length; i++) {
            while (chunk < chunks.size() - 1 && i >= chunks.get(chunk)[0]) {
                chunk++;
            }
            nanos[i] = chunks.isEmpty() ? 0 : chunks.get(chunk)[1];
        }
        return new Received(text, nanos);
    }

    private static String launcher(Map<String, String> env, String args) {
        StringBuilder command = new StringBuilder();
        env.forEach((k, v) -> command.append(k).append("='").append(v).append("' "));
        return command.append("'")
                .append(PROJECT.resolve("bitbudget"))
                .append("' ")
                .append(args)
                .toString();
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("BITBUDGET_CLASSPATH", System.getProperty("java.class.path"));
        return env;
    }

    @Test
    void aBatchOnATerminalDrawsFramesWhileItRunsAndLogLinesStandAlone(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("pty.yaml");
        Files.writeString(
                yaml,
                BATCH.formatted(PROJECT.resolve("../shared/models/lenet5.onnx").normalize()));
        Received r = inTerminal(launcher(environment(), "batch '" + yaml + "' --out '" + dir.resolve("out") + "'"));

        // Frames: the pieces between carriage returns and newlines that look like a bar.
        Map<String, Long> firstSeen = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i <= r.text().length(); i++) {
            if (i == r.text().length() || r.text().charAt(i) == '\r' || r.text().charAt(i) == '\n') {
                String piece = r.text().substring(start, i).replace("\033[K", "");
                if (FRAME.matcher(piece).matches()) {
                    firstSeen.putIfAbsent(piece, r.nanos()[start]);
                    assertFalse(piece.contains("?") || piece.contains(" 0/0 "), "no unknown share: " + piece);
                }
                start = i + 1;
            }
        }
        List<Long> arrivals = firstSeen.values().stream().distinct().sorted().toList();
        assertTrue(arrivals.size() >= 3, "at least 3 frames in separate reads: " + firstSeen.keySet());
        long spread = arrivals.getLast() - arrivals.getFirst();
        assertTrue(
                spread >= TimeUnit.SECONDS.toNanos(1),
                "frames arrive while the batch runs, not together at its end: " + spread / 1e6 + " ms apart");

        // Every per-run log line starts its own line: on the terminal's line (split at newlines only; a
        // carriage return moves back to its start) the text after the last carriage return is the log line.
        List<String> logLines = Stream.of(r.text().split("\n"))
                .map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l)
                .filter(l -> l.contains("bitbudget: batch: ["))
                .toList();
        assertEquals(12, logLines.size(), "a line when each of the 6 runs starts and ends: " + r.text());
        for (String line : logLines) {
            String shown = line.substring(line.lastIndexOf('\r') + 1).replace("\033[K", "");
            assertTrue(shown.startsWith("bitbudget: batch: ["), "log line alone on its line: " + line);
        }
        assertTrue(r.text().contains("6 runs (shard 0/1)"), r.text());
    }

    @Test
    void aStderrThatIsNotTheTerminalGetsNoBar(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("stderr.txt");
        Received r = inTerminal(launcher(environment(), "eval --limit 3000 --json 2>'" + err + "'"));
        String stderr = Files.readString(err);
        assertFalse(stderr.contains("\r") || stderr.contains("eval "), "no frame on redirected stderr: " + stderr);
        assertFalse(r.text().contains("\033[K"), "no frame on the terminal either: " + r.text());
        assertTrue(r.text().contains("\"accuracy\""), r.text());
    }
}
