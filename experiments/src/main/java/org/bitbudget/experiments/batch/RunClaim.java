package org.bitbudget.experiments.batch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.bitbudget.ir.AtomicFiles;

/**
 * One worker's claim on one run folder, so that batches sharing an output folder (the shards of a job
 * array, or two batches started by mistake) never compute a run twice. The claim is the file {@value
 * #FILE}, created only if absent and holding {@code host pid start}; its owner touches it every
 * {@link #HEARTBEAT}. A claim is stale — its owner died, e.g. under {@code kill -9} or a pre-empted
 * node — when its process is gone from this host, or when it has not been touched for {@link
 * #STALE_AFTER}; a stale claim is taken over (renamed away first, so that of two workers only one
 * wins) and the {@code *.partial} files its owner left are deleted.
 */
final class RunClaim implements AutoCloseable {
    /** The claim file in a run's folder. */
    static final String FILE = "claim";
    /** How often the owner touches its claim. */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);
    /** A claim untouched for this long is stale whatever host holds it. */
    static final Duration STALE_AFTER = Duration.ofSeconds(60);

    private static final ScheduledExecutorService HEARTBEATS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bitbudget-claim-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private final Path file;
    private final ScheduledFuture<?> heartbeat;

    private RunClaim(Path file) {
        this.file = file;
        this.heartbeat = HEARTBEATS.scheduleAtFixedRate(
                this::touch, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Claims the run folder {@code dir} (created if needed) for this process, or returns the owner of
     * a live claim as the reason it is busy.
     */
    static Result claim(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                Files.writeString(file, self() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                deletePartials(dir);
                return new Result(new RunClaim(file), null);
            } catch (FileAlreadyExistsException held) {
                Optional<String> owner = liveOwner(file);
                if (owner.isPresent()) {
                    return new Result(null, owner.get());
                }
                takeOver(file);
            }
        }
        return new Result(null, "another worker (its claim changed hands while this one looked)");
    }

    /**
     * What {@link #claim} found.
     *
     * @param claim the claim, or null when the run is busy
     * @param owner who holds the live claim (host, pid, start), when busy
     */
    record Result(RunClaim claim, String owner) {}

    /** {@code host pid start} of this process. */
    static String self() {
        ProcessHandle me = ProcessHandle.current();
        Instant start = me.info().startInstant().orElse(Instant.EPOCH);
        return host() + " " + me.pid() + " " + start;
    }

    /** The owner of the claim in {@code file}, if it is live; empty when stale or gone. */
    static Optional<String> liveOwner(Path file) throws IOException {
        String text;
        FileTime touched;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
            touched = Files.getLastModifiedTime(file);
        } catch (NoSuchFileException released) {
            return Optional.empty();
        }
        if (Duration.between(touched.toInstant(), Instant.now()).compareTo(STALE_AFTER) > 0) {
            return Optional.empty();
        }
        String[] parts = text.split(" ");
        if (parts.length == 3 && parts[0].equals(host()) && !alive(parts[1], parts[2])) {
            return Optional.empty();
        }
        // A claim being written (empty for an instant) counts as live: its heartbeat decides later.
        return Optional.of(text.isEmpty() ? "a worker starting up" : text);
    }

    private static boolean alive(String pid, String start) {
        try {
            return ProcessHandle.of(Long.parseLong(pid))
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info()
                            .startInstant()
                            .map(Instant::toString)
                            .orElse(start)
                            .equals(start))
                    .isPresent();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void takeOver(Path file) throws IOException {
        Path aside =
                file.resolveSibling(FILE + ".stale-" + ProcessHandle.current().pid());
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(aside);
        } catch (NoSuchFileException | AtomicMoveNotSupportedException lostTheRace) {
            // Another worker moved it first; the next attempt sees its fresh claim.
        }
    }

    /** Deletes the {@code *.partial} files a dead writer left in {@code dir}. */
    static void deletePartials(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.PARTIAL))
                    .toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void touch() {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException gone) {
            // Released meanwhile, or the folder is gone: nothing to keep alive.
        }
    }

    /** Ends the heartbeat and deletes the claim. */
    @Override
    public void close() throws IOException {
        heartbeat.cancel(false);
        Files.deleteIfExists(file);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
