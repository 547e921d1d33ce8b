package org.bitbudget.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code corpus.txt}: {@code EXPECTED :: COMMAND ARGS...}, where {@code {name}} in either part is
 * the file or folder {@code name} in the case's own folder (made by {@link CorpusFixtures} when it is a fixture)
 * and {@code {dir}} the folder itself; single quotes group words; {@code A && B} expects both. A run of the case must end with exit code 2 and
 * one line on stderr that contains EXPECTED (the file, node or field at fault), write nothing and change no input.
 */
record CorpusCase(int line, String expected, List<String> args) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]+)}");

    /** The command this case runs. */
    String command() {
        return args.getFirst();
    }

    /** Every case of the corpus, in file order. */
    static List<CorpusCase> load() throws IOException {
        List<CorpusCase> cases = new ArrayList<>();
        try (InputStream in = CorpusCase.class.getResourceAsStream("corpus.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int sep = l.indexOf(" :: ");
                if (sep < 0) {
                    throw new IllegalStateException("corpus.txt line " + (i + 1) + ": no ' :: '");
                }
                cases.add(new CorpusCase(i + 1, l.substring(0, sep).strip(), words(l.substring(sep + 4))));
            }
        }
        return cases;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : text.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    out.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
                any = true;
            }
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }

    /** The arguments with placeholders replaced, the fixtures they name made in {@code dir}. */
    List<String> prepare(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(expand(a, dir, true));
        }
        return out;
    }

    /** EXPECTED with placeholders replaced. */
    String expected(Path dir) throws IOException {
        return expand(expected, dir, false);
    }

    private static String expand(String text, Path dir, boolean make) throws IOException {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (make && !name.equals("dir")) {
                CorpusFixtures.make(dir, name);
            }
            Path p = name.equals("dir") ? dir : dir.resolve(name);
            m.appendReplacement(b, Matcher.quoteReplacement(p.toString()));
        }
        return m.appendTail(b).toString();
    }

    /** Every file and folder under {@code dir} with its SHA-256 (a link: its target), to compare before and after. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String key = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(key, "link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(key, "folder");
                } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(key, "special");
                } else {
                    out.put(key, sha256(Files.readAllBytes(p)));
                }
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * How a run ended, as the corpus table counts it: a stack trace (or exit 1), a silent acceptance (exit 0), an
     * unclear message (not one line naming EXPECTED), an output written, an input destroyed.
     */
    record Verdict(
            boolean stackTrace,
            boolean silent,
            boolean unclear,
            boolean wroteOutput,
            boolean destroyedInput,
            String detail) {
        static Verdict of(
                int code, String err, String expected, Map<String, String> before, Map<String, String> after) {
            List<String> lines = err.lines()
                    .filter(l -> !l.isBlank()
                            && !l.startsWith("bitbudget: warning:")
                            && !l.startsWith("latency: ")
                            && !l.startsWith("WARNING: "))
                    .toList();
            boolean trace = code == 1 || err.contains("\tat ") || err.contains("internal error");
            boolean silent = code == 0;
            boolean unclear = !trace
                    && !silent
                    && (code != 2
                            || lines.size() != 1
                            || !lines.getFirst().startsWith("bitbudget: ")
                            || !Arrays.stream(expected.split(" && ")).allMatch(lines.getFirst()::contains));
            List<String> changed = before.entrySet().stream()
                    .filter(e -> !e.getValue().equals(after.get(e.getKey())))
                    .map(Map.Entry::getKey)
                    .toList();
            List<String> added =
                    after.keySet().stream().filter(k -> !before.containsKey(k)).toList();
            String first = lines.isEmpty() ? "" : lines.getFirst();
            String detail = "exit " + code + ", stderr " + (first.length() > 300 ? first.substring(0, 300) : first)
                    + (changed.isEmpty() ? "" : ", changed " + changed) + (added.isEmpty() ? "" : ", wrote " + added);
            return new Verdict(trace, silent, unclear, !added.isEmpty(), !changed.isEmpty(), detail);
        }

        /** Nothing wrong: a clean one-line refusal. */
        boolean clean() {
            return !stackTrace && !silent && !unclear && !wroteOutput && !destroyedInput;
        }
    }
}
