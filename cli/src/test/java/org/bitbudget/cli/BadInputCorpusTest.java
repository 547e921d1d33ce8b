package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of bad and edge-case inputs ({@code corpus.txt}), each run through the real command line in its own
 * folder: exit code 2, one line on stderr naming the file, node or field, no stack trace, nothing written and
 * every input unchanged.
 */
class BadInputCorpusTest {
    static Stream<Arguments> cases() throws Exception {
        return CorpusCase.load().stream().map(c -> Arguments.of(c.line() + ": " + String.join(" ", c.args()), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedCleanly(String name, CorpusCase c, @TempDir Path dir) throws Exception {
        List<String> args = c.prepare(dir);
        Map<String, String> before = CorpusCase.snapshot(dir);
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(args.toArray(String[]::new));
        CorpusCase.Verdict v =
                CorpusCase.Verdict.of(r.code(), r.err(), c.expected(dir), before, CorpusCase.snapshot(dir));
        assertTrue(
                v.clean(), () -> "corpus.txt line " + c.line() + " (expected '" + c.expected() + "'): " + v.detail());
    }
}
