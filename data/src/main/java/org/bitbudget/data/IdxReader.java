package org.bitbudget.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.tensor.Shape;

/**
 * Reads the idx files of MNIST-style data sets (raw or gzip-compressed): unsigned-byte tensors with
 * a big-endian header of magic {@code 0x0000_08_NN} and NN dimension sizes.
 */
public final class IdxReader {
    private IdxReader() {}

    /** An idx file's dimensions, its unsigned-byte payload and the digest of the file as stored. */
    record IdxArray(int[] dims, byte[] data, DataProvenance.FileDigest digest) {}

    static IdxArray read(Path path) {
        try (DataProvenance.DigestingStream file = DataProvenance.DigestingStream.open(path);
                InputStream raw = new BufferedInputStream(file, 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic = data.readInt();
            if ((magic >>> 8) != 0x08 || (magic & 0xFF) < 1 || (magic & 0xFF) > 4) {
                throw new UserInputException(
                        path.toString(),
                        String.format("not an unsigned-byte idx file (magic 0x%08x, expected 0x000008NN)", magic));
            }
            int[] dims = new int[magic & 0xFF];
            long size = 1;
            for (int i = 0; i < dims.length; i++) {
                dims[i] = data.readInt();
                if (dims[i] < 0) {
                    throw new UserInputException(path.toString(), "negative dimension in idx header");
                }
                size *= dims[i];
            }
            if (size > Integer.MAX_VALUE) {
                throw new UserInputException(
                        path.toString(),
                        String.format(
                                "its header (magic 0x%08x, %d dimensions %s) declares %d bytes, more than an idx data "
                                        + "set holds: a wrong magic, or not an idx file",
                                magic, dims.length, Arrays.toString(dims), size));
            }
            byte[] bytes = new byte[(int) size];
            data.readFully(bytes);
            // The digest covers the whole file, also what follows the payload (a gzip trailer).
            raw.transferTo(OutputStream.nullOutputStream());
            return new IdxArray(dims, bytes, file.digest());
        } catch (EOFException e) {
            throw new UserInputException(path.toString(), "truncated idx file");
        } catch (IOException e) {
            throw UserInputException.unreadable(path.toString(), e);
        }
    }

    /**
     * Reads an images file ({@code [n, rows, cols]}) and its labels file ({@code [n]}) into a source of
     * {@code [1, rows, cols]} samples named {@code name}.
     */
    public static DataSource read(Path images, Path labels, String name) {
        IdxArray img = images(images);
        IdxArray lab = read(labels);
        if (lab.dims().length != 1 || lab.dims()[0] != img.dims()[0]) {
            throw new UserInputException(
                    labels.toString(),
                    "holds " + Arrays.toString(lab.dims()) + " labels for " + img.dims()[0] + " images in "
                            + images.getFileName());
        }
        int[] l = new int[lab.data().length];
        for (int i = 0; i < l.length; i++) {
            l[i] = lab.data()[i] & 0xFF;
        }
        return samples(img, l, provenance(images, name, List.of(img.digest(), lab.digest())));
    }

    /** Reads an images file ({@code [n, rows, cols]}) without labels into a source named {@code name}. */
    public static DataSource readUnlabelled(Path images, String name) {
        IdxArray img = images(images);
        return samples(img, null, provenance(images, name, List.of(img.digest())));
    }

    private static IdxArray images(Path images) {
        IdxArray img = read(images);
        if (img.dims().length != 3) {
            throw new UserInputException(
                    images.toString(), "expected 3 dimensions [n, rows, cols], got " + Arrays.toString(img.dims()));
        }
        return img;
    }

    private static DataProvenance provenance(Path images, String name, List<DataProvenance.FileDigest> files) {
        Path folder = images.toAbsolutePath().getParent();
        return new DataProvenance(IdxFormat.NAME, name, folder, files, List.of(Uint8Samples.SCALING));
    }

    private static DataSource samples(IdxArray img, int[] labels, DataProvenance provenance) {
        return new Uint8Samples(
                provenance,
                Shape.of(1, img.dims()[1], img.dims()[2]),
                img.dims()[0],
                MemorySegment.ofArray(img.data()),
                labels);
    }
}
