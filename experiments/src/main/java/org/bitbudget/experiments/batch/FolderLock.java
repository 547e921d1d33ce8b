package org.bitbudget.experiments.batch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a batch output folder (the operating system's lock on its {@code lock} file),
 * held while a worker rewrites the folder's shared files; other processes wait for it. The lock dies
 * with its process, so a killed worker never leaves the folder locked.
 */
final class FolderLock implements AutoCloseable {
    /** The operating system's locks are per process: threads of one process queue here first. */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock inProcess;
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(ReentrantLock inProcess, FileChannel channel, FileLock lock) {
        this.inProcess = inProcess;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for and takes the lock of {@code folder}. */
    static FolderLock of(Path folder) throws IOException {
        Path file = folder.resolve("lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(file.toRealPath(), k -> new ReentrantLock());
        inProcess.lock();
        try {
            return new FolderLock(inProcess, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            inProcess.unlock();
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            inProcess.unlock();
        }
    }
}
