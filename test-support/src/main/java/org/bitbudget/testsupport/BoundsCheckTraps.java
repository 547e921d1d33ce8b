package org.bitbudget.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The bounds-check deoptimizations of the project's code while a piece of work runs, read from a
 * flight recording of {@code jdk.Deoptimization} events. C2 records such a trap in the method whose
 * check failed; when that method is {@code Objects.checkIndex}, which every Vector API load and store
 * calls, every kernel it compiles afterwards in the JVM gets plain bounds checks instead of the
 * intrinsic. A kernel must therefore never make C2 speculate on a bounds check that can fail: for
 * example a store under an {@code if} next to stores that always run.
 *
 * {@snippet :
 * List<String> traps = BoundsCheckTraps.during(() -> engine.predict(images));
 * assertEquals(List.of(), traps);
 * }
 */
public final class BoundsCheckTraps {
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
