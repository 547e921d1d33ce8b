package org.bitbudget.experiments.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.UserInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch workers sharing one output folder, on real (small) search runs: two workers at once compute
 * every run exactly once and leave the results of one worker; a dead worker's claim is taken over, a
 * live one is respected, another host's claim goes stale when its heartbeat stops; a cancel keeps no
 * row for the run it cut; a folder of another experiment is refused even before it has results.
 */
class BatchWorkersTest {
    private static Experiment experiment;
    private static Path reference;

    @TempDir
    static Path shared;

    @BeforeAll
    static void runTheWholeBatchOnce() throws Exception {
        Path yaml = shared.resolve("tiny.yaml");
        Files.writeString(yaml, BatchRunnerTest.YAML.formatted(BatchRunnerTest.LENET));
        experiment = ExperimentParser.load(yaml, ExperimentParserTest.DEFAULT_MODEL);
        reference = shared.resolve("whole");
        new BatchRunner(BatchRunnerTest.EXECUTOR, new ProvenanceFile(), null)
                .run(experiment, reference, Shard.ALL, false);
    }

    private static RunExecutor counting(Map<String, AtomicInteger> calls) {
        return (spec, progress) -> {
            calls.computeIfAbsent(spec.key(), k -> new AtomicInteger()).incrementAndGet();
            return BatchRunnerTest.EXECUTOR.execute(spec, progress);
        };
    }

    private static List<Path> leftovers(Path out) throws Exception {
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(f -> f.getFileName().toString().equals(RunClaim.FILE)
                            || f.getFileName().toString().endsWith(AtomicFiles.PARTIAL))
                    .toList();
        }
    }

    @Test
    void twoWorkersOnOneFolderComputeEveryRunOnce(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<BatchRunner.Summary>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            workers.add(pool.submit(() -> new BatchRunner(counting(calls), new ProvenanceFile(), null)
                    .run(experiment, out, Shard.ALL, true)));
        }
        int executed = 0;
        for (Future<BatchRunner.Summary> f : workers) {
            executed += f.get(10, TimeUnit.MINUTES).executed();
        }
        pool.shutdown();
        assertEquals(6, executed);
        assertEquals(6, calls.size());
        calls.forEach((key, n) -> assertEquals(1, n.get(), "run " + key + " computed " + n + " times"));
        assertEquals(
                BatchRunnerTest.rows(reference.resolve("results.csv")),
                BatchRunnerTest.rows(out.resolve("results.csv")));
        assertEquals(List.of(), leftovers(out));
    }

    @Test
    void aDeadWorkersClaimIsTakenOverAndItsPartialFilesDeleted(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        RunSpec first = experiment.runs().getFirst();
        Path run = out.resolve("runs").resolve(first.key());
        Files.createDirectories(run);
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        String host = RunClaim.self().split(" ")[0];
        Files.writeString(run.resolve(RunClaim.FILE), host + " " + dead.pid() + " " + Instant.now() + "\n");
        Files.writeString(run.resolve(".config.json42" + AtomicFiles.PARTIAL), "{\"layers\":");
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        BatchRunner.Summary s =
                new BatchRunner(counting(calls), new ProvenanceFile(), null).run(experiment, out, Shard.ALL, true);
        assertEquals(6, s.executed());
        assertEquals(0, s.busy());
        assertEquals(1, calls.get(first.key()).get());
        assertEquals(List.of(), leftovers(out));
    }

    @Test
    void aLiveWorkersClaimIsRespectedAndAnotherHostsGoesStaleWithoutHeartbeat(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        List<RunSpec> runs = experiment.runs();
        Path local = out.resolve("runs").resolve(runs.get(1).key());
        Path remote = out.resolve("runs").resolve(runs.get(2).key());
        Files.createDirectories(local);
        Files.createDirectories(remote);
        Process alive = new ProcessBuilder("sleep", "600").start();
        try {
            String host = RunClaim.self().split(" ")[0];
            String start = alive.info().startInstant().orElseThrow().toString();
            Files.writeString(local.resolve(RunClaim.FILE), host + " " + alive.pid() + " " + start + "\n");
            Files.writeString(remote.resolve(RunClaim.FILE), "node-17.cluster 4242 2026-01-01T00:00:00Z\n");
            Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
            BatchRunner.Summary s =
                    new BatchRunner(counting(calls), new ProvenanceFile(), null).run(experiment, out, Shard.ALL, true);
            assertEquals(4, s.executed());
            assertEquals(2, s.busy());
            assertFalse(calls.containsKey(runs.get(1).key()));
            assertFalse(calls.containsKey(runs.get(2).key()));
            assertEquals(4, s.rows());

            // The other host's worker stops touching its claim: a minute later it is stale.
            Files.setLastModifiedTime(
                    remote.resolve(RunClaim.FILE),
                    FileTime.from(Instant.now().minus(RunClaim.STALE_AFTER).minusSeconds(1)));
            BatchRunner.Summary later =
                    new BatchRunner(counting(calls), new ProvenanceFile(), null).run(experiment, out, Shard.ALL, true);
            assertEquals(1, later.executed());
            assertEquals(1, later.busy());
            assertTrue(calls.containsKey(runs.get(2).key()));
        } finally {
            alive.destroyForcibly();
            alive.waitFor();
        }
        BatchRunner.Summary last = new BatchRunner(BatchRunnerTest.EXECUTOR, new ProvenanceFile(), null)
                .run(experiment, out, Shard.ALL, true);
        assertEquals(1, last.executed(), "the claim of a process that ended is stale at once");
        assertEquals(
                BatchRunnerTest.rows(reference.resolve("results.csv")),
                BatchRunnerTest.rows(out.resolve("results.csv")));
        assertEquals(List.of(), leftovers(out));
    }

    @Test
    void aCancelKeepsNoRowForTheRunItCut(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        AtomicBoolean cancel = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        RunExecutor cancelledInRunTwo = (spec, progress) -> {
            if (calls.incrementAndGet() == 2) {
                cancel.set(true);
            }
            return BatchRunnerTest.EXECUTOR.execute(spec, progress);
        };
        BatchRunner.Summary s = new BatchRunner(cancelledInRunTwo, new ProvenanceFile(), null, cancel)
                .run(experiment, out, Shard.ALL, false);
        assertTrue(s.interrupted());
        assertEquals(1, s.executed());
        assertEquals(1, s.rows());
        assertEquals(2, calls.get(), "no run starts after the cancel");
        assertFalse(Files.exists(
                out.resolve("runs").resolve(experiment.runs().get(1).key()).resolve("row.csv")));
        assertEquals(List.of(), leftovers(out));
    }

    @Test
    void aFolderWithAnotherExperimentsStartedRunIsRefused(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path run = out.resolve("runs").resolve("0123456789abcdef");
        Files.createDirectories(run);
        Files.writeString(run.resolve("spec.json"), "{\"run_key\": \"0123456789abcdef\", \"experiment\": \"other\"}");
        UserInputException e = assertThrows(
                UserInputException.class,
                () -> new BatchRunner(BatchRunnerTest.EXECUTOR, new ProvenanceFile(), null)
                        .run(experiment, out, Shard.ALL, true));
        assertTrue(e.getMessage().contains("holds results of experiment 'other', not 'tiny'"), e.getMessage());
        assertFalse(Files.exists(out.resolve("results.csv")), "nothing written");
    }
}
