package org.bitbudget.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The bounds-check deoptimizations of the project's code while a piece of work runs, read from a
 * flight recording of {@code jdk.Deoptimization} events. C2 records such a trap in the method whose
 * check failed; when that method is {@code Objects.checkIndex}, which every Vector API load and store
 * calls, every kernel it compiles afterwards in the JVM gets plain bounds checks instead of the
 * intrinsic, and no later trap of the kind is recorded. A test therefore runs its work in a JVM of its
 * own ({@link #inFreshJvm}), where no earlier test can have taken the trap first: the test class's
 * {@code main} calls {@link #report} on the work, the test calls {@link #inFreshJvm} on the class.
 *
 * {@snippet :
 * public static void main(String[] args) {
 *     BoundsCheckTraps.report(() -> engine().predict(images()));
 * }
 *
 * @Test
 * void noTraps() {
 *     assertEquals(List.of(), BoundsCheckTraps.inFreshJvm(MyTest.class));
 * }
 * }
 */
public final class BoundsCheckTraps {
    private static final String TRAP = "bounds-check trap: ";
    private static final String DONE = "bounds-check traps reported";

    private BoundsCheckTraps() {}

    /**
     * Runs {@code work} under a flight recording and returns each bounds-check deoptimization whose
     * stack passes through a class of the project, as its innermost frames.
     */
    public static List<String> during(Runnable work) {
        try {
            Path file = Files.createTempFile("bounds-check-traps", ".jfr");
            try {
                try (Recording recording = new Recording()) {
                    recording.enable("jdk.Deoptimization").withStackTrace();
                    recording.start();
                    work.run();
                    recording.stop();
                    recording.dump(file);
                }
                return RecordingFile.readAllEvents(file).stream()
                        .filter(e -> e.getEventType().getName().equals("jdk.Deoptimization"))
                        .filter(e -> "range_check".equals(e.getString("reason")))
                        .filter(BoundsCheckTraps::inProjectCode)
                        .map(BoundsCheckTraps::describe)
                        .toList();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code work} as {@link #during} does and prints its traps for {@link #inFreshJvm}. */
    public static void report(Runnable work) {
        for (String trap : during(work)) {
            System.out.println(TRAP + trap);
        }
        System.out.println(DONE);
    }

    /**
     * Runs {@code main}'s {@code main} method on {@code args} (it calls {@link #report}) in a new JVM with this
     * JVM's options, class path and {@code bitbudget.*} properties, compiling synchronously
     * ({@code -XX:-BackgroundCompilation}) so that C2's code is in place at the same point every run,
     * and returns the traps it reported.
     *
     * @throws AssertionError if the JVM fails or ends without its report
     */
    public static List<String> inFreshJvm(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib") && !option.startsWith("-javaagent") && !option.startsWith("-D")) {
                command.add(option);
            }
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bitbudget."))
                .sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.add("-XX:-BackgroundCompilation");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0 || !output.contains(DONE)) {
                throw new AssertionError(main.getName() + " ended without its report:\n" + output);
            }
            return output.lines()
                    .filter(line -> line.startsWith(TRAP))
                    .map(line -> line.substring(TRAP.length()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + main.getName() + " ran", e);
        }
    }

    private static boolean inProjectCode(RecordedEvent event) {
        return event.getStackTrace() != null
                && event.getStackTrace().getFrames().stream()
                        .anyMatch(f -> f.getMethod().getType().getName().startsWith("org.bitbudget."));
    }

    private static String describe(RecordedEvent event) {
        return event.getStackTrace().getFrames().stream()
                .limit(5)
                .map(BoundsCheckTraps::frame)
                .toList()
                .toString();
    }

    private static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName() + "@" + f.getBytecodeIndex();
    }
}
