package dev.safespawn.nuprocess;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessHandler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A handler that records every callback, in order, with the thread it ran
 * on, and keeps what the child wrote. Subclasses override a callback and call
 * {@code super} to keep the record. Its methods synchronise, so the test
 * thread may read it while callbacks still arrive.
 */
class Recorder implements NuProcessHandler {
    /** One callback: its name, its argument in short, and its thread. */
    record Event(String name, String detail, Thread thread) {
    }

    private final List<Event> events = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    volatile NuProcess preStarted;
    volatile NuProcess started;
    volatile Integer exitCode;

    synchronized void record(String name, String detail) {
        events.add(new Event(name, detail, Thread.currentThread()));
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    synchronized String out() {
        return out.toString(UTF_8);
    }

    synchronized String err() {
        return err.toString(UTF_8);
    }

    /** Consumes the whole buffer into {@code sink}; the record shows the bytes and the closed flag. */
    private synchronized void take(String name, ByteArrayOutputStream sink, ByteBuffer buffer, boolean closed) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        sink.writeBytes(bytes);
        record(name, (closed ? "closed:" : "open:") + new String(bytes, UTF_8));
    }

    @Override
    public void onPreStart(NuProcess nuProcess) {
        preStarted = nuProcess;
        record("onPreStart", "running=" + nuProcess.isRunning());
    }

    @Override
    public void onStart(NuProcess nuProcess) {
        started = nuProcess;
        record("onStart", "pid=" + nuProcess.getPID());
    }

    @Override
    public void onExit(int exitCode) {
        this.exitCode = exitCode;
        record("onExit", Integer.toString(exitCode));
    }

    @Override
    public void onStdout(ByteBuffer buffer, boolean closed) {
        take("onStdout", out, buffer, closed);
    }

    @Override
    public void onStderr(ByteBuffer buffer, boolean closed) {
        take("onStderr", err, buffer, closed);
    }

    @Override
    public boolean onStdinReady(ByteBuffer buffer) {
        record("onStdinReady", "");
        return false;
    }
}
