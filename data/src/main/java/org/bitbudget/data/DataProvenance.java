package org.bitbudget.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link DataSource}'s samples come from and what was done to them, so that a result can name
 * exactly the data it was measured on.
 *
 * @param kind          the format that read the data, e.g. {@code idx}
 * @param name          how reports name the source, e.g. {@code fashion-mnist:test}
 * @param location      the folder or file the user named
 * @param files         every file the samples and labels were read from, with its SHA-256
 * @param preprocessing what happened to the stored values before they became the source's float
 *                      values, in order (e.g. {@code uint8 / 255}, {@code first 300 samples})
 */
public record DataProvenance(
        String kind, String name, Path location, List<FileDigest> files, List<String> preprocessing) {
    public DataProvenance {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        files = List.copyOf(files);
        preprocessing = List.copyOf(preprocessing);
    }

    /** This provenance with one more preprocessing step at the end. */
    public DataProvenance then(String step) {
        List<String> steps = new ArrayList<>(preprocessing);
        steps.add(step);
        return new DataProvenance(kind, name, location, files, steps);
    }

    /**
     * One input file and the SHA-256 of its bytes as stored (what {@code sha256sum} prints).
     *
     * @param path   the file
     * @param sha256 64 lower-case hex digits
     */
    public record FileDigest(Path path, String sha256) {
        public FileDigest {
            Objects.requireNonNull(path, "path");
            if (sha256.length() != 64) {
                throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256);
            }
        }
    }

    /**
     * A file's input stream that hashes every byte read through it; reading to the end and then calling
     * {@link #digest()} gives the file's digest without a second pass.
     */
    static final class DigestingStream extends DigestInputStream {
        private final Path path;

        private DigestingStream(Path path, InputStream in, MessageDigest digest) {
            super(in, digest);
            this.path = path;
        }

        static DigestingStream open(Path path) throws IOException {
            try {
                return new DigestingStream(path, Files.newInputStream(path), MessageDigest.getInstance("SHA-256"));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }

        /** Reads {@code path} to its end and returns its digest. */
        static FileDigest of(Path path) throws IOException {
            try (DigestingStream in = open(path)) {
                in.transferTo(OutputStream.nullOutputStream());
                return in.digest();
            }
        }

        /** The digest of the bytes read so far (the whole file once the stream has reached its end). */
        FileDigest digest() {
            return new FileDigest(
                    path, HexFormat.of().formatHex(getMessageDigest().digest()));
        }
    }
}
