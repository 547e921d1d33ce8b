package org.bitbudget.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.bitbudget.model.UserInputException;

/**
 * Reads the idx files of MNIST-style data sets (raw or gzip-compressed): unsigned-byte tensors with
 * a big-endian header of magic {@code 0x0000_08_NN} and NN dimension sizes.
 */
public final class IdxReader {
    private IdxReader() {
    }

    /** An idx file's dimensions and its unsigned-byte payload. */
    record IdxArray(int[] dims, byte[] data) {
    }

    static IdxArray read(Path path) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(in);
            int magic = data.readInt();
            if ((magic >>> 8) != 0x08 || (magic & 0xFF) < 1 || (magic & 0xFF) > 4) {
                throw new UserInputException(path.toString(), String.format(
                        "not an unsigned-byte idx file (magic 0x%08x, expected 0x000008NN)", magic));
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
                throw new UserInputException(path.toString(), "idx payload too large: " + size + " bytes");
            }
            byte[] bytes = new byte[(int) size];
            data.readFully(bytes);
            return new IdxArray(dims, bytes);
        } catch (EOFException e) {
            throw new UserInputException(path.toString(), "truncated idx file");
        } catch (IOException e) {
            throw new UserInputException(path.toString(), "cannot read: " + e.getMessage());
        }
    }

    /** Reads an images file ([n, rows, cols]) and its labels file ([n]) into a data set. */
    public static Dataset read(Path images, Path labels, String name) {
        IdxArray img = read(images);
        IdxArray lab = read(labels);
        if (img.dims().length != 3) {
            throw new UserInputException(images.toString(), "expected 3 dimensions [n, rows, cols], got "
                    + java.util.Arrays.toString(img.dims()));
        }
        if (lab.dims().length != 1 || lab.dims()[0] != img.dims()[0]) {
            throw new UserInputException(labels.toString(), "holds " + java.util.Arrays.toString(lab.dims())
                    + " labels for " + img.dims()[0] + " images in " + images.getFileName());
        }
        int[] l = new int[lab.data().length];
        for (int i = 0; i < l.length; i++) {
            l[i] = lab.data()[i] & 0xFF;
        }
        return new Dataset(name, img.data(), l, img.dims()[1], img.dims()[2]);
    }
}
