package org.bitbudget.experiments.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run keys: the first 16 hex digits of the SHA-256 of a run's canonical JSON (keys sorted, no
 * whitespace) — the inputs that decide its result: the model's label and file hash (never its path),
 * data, formats, activations, estimator, strategy, budgets, seed, test-image limit, calibration
 * images, time limit, engine, metric (when named) and, when given, the genetic strategies' fitness, the coupling, the runtime target and the
 * ignored layers. The same run therefore has the same key on every machine and in
 * every folder, and a changed model file changes the key.
 */
public final class RunKeys {
    /** Bumped when the meaning of a key's inputs changes, so old results are not mistaken for new ones. */
    static final int SCHEMA = 1;

    private static final ObjectMapper CANONICAL =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private RunKeys() {}

    /** The canonical JSON the key hashes: the schema version and {@link #inputs}. */
    public static String canonicalJson(RunSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.putAll(inputs(s));
        try {
            return CANONICAL.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The run's inputs that decide its result, by field name; the model by label and file hash, not path. */
    public static Map<String, Object> inputs(RunSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", s.model());
        m.put("model_sha256", s.modelSha256());
        m.put("normalize", s.normalize());
        m.put("data", s.data());
        m.put("formats", s.formats());
        m.put("activations", s.activations());
        m.put("estimator", s.estimator());
        m.put("strategy", s.strategy());
        m.put("budgets", s.budgets());
        m.put("seed", s.seed());
        m.put("limit", s.limit());
        m.put("calibration", s.calibration());
        m.put("time_seconds", s.timeSeconds());
        m.put("engine", s.engine());
        if (s.fitness() != null) {
            // Only when given, so that the keys of runs written before the field existed stay the same.
            m.put("fitness", s.fitness());
        }
        if (s.coupling() != null) {
            // Only when given, as fitness: the keys of runs written before the field existed stay the same.
            m.put("coupling", s.coupling());
        }
        if (s.target() != null) {
            m.put("target", s.target());
        }
        if (!s.ignore().isEmpty()) {
            m.put("ignore", s.ignore());
        }
        // Only a named metric enters the key, so runs written before metrics existed keep theirs.
        if (s.metric() != null) {
            m.put("metric", s.metric());
        }
        return m;
    }

    /** The key of {@code spec}. */
    public static String key(RunSpec spec) {
        return sha256(canonicalJson(spec).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** SHA-256 of {@code bytes}, hex. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** SHA-256 of a file's bytes, hex. */
    public static String sha256(Path file) {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                d.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
