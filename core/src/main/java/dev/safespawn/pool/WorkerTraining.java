package dev.safespawn.pool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.concurrent.Callable;

/**
 * What a worker does on its hot path, done once in-process by the training
 * JVM that {@link WorkerCds} starts, so the classes it loads (the channel's
 * framing and messages, the serial filters, a serializable lambda's
 * deserialization, a value's and an exception's serialization) land in the
 * class-data sharing archive and later workers map them instead of loading
 * them. It returns normally: the archive is written as the JVM exits.
 */
final class WorkerTraining {
    private WorkerTraining() {
    }

    static void run() throws Exception {
        for (ObjectInputFilter filter : new ObjectInputFilter[] {Frames.filter(null), Frames.filter("java.base/*")}) {
            roundTrip(new Messages.Ready(), filter);
            roundTrip(new Messages.Init((SerializableRunnable) () -> { }), filter);
            Messages.Task task = (Messages.Task) roundTrip(
                    Messages.Task.of(1, (SerializableCallable<Object>) () -> "trained", true), filter);
            Callable<?> callable = (Callable<?>) Frames.decode(task.callable(), filter);
            // the reading turn passed from thread to thread, as the worker's two threads pass it
            java.util.concurrent.Semaphore turn = new java.util.concurrent.Semaphore(0);
            Object[] value = new Object[1];
            Thread other = new Thread(() -> {
                turn.acquireUninterruptibly();
                value[0] = call(callable);
            }, "safespawn-cds-training");
            other.setDaemon(true);
            other.start();
            turn.release();
            other.join();
            roundTrip(new Messages.Result(task.id(), value[0], null), filter);
            roundTrip(new Messages.Result(task.id(), new java.util.ArrayList<>(java.util.List.of(value[0])), null), filter);
            roundTrip(new Messages.Result(task.id(), null, new IllegalStateException("trained")), filter);
            roundTrip(new Messages.InitFailed(new Messages.Unserializable("the training's value", null,
                    new java.io.NotSerializableException("trained"))), filter);
        }
    }

    private static Object call(Callable<?> callable) {
        try {
            return callable.call();
        } catch (Exception e) {
            return e;
        }
    }

    /** Sends a message through the framing and reads it back, as the two ends of a channel do. */
    private static Messages.Message roundTrip(Messages.Message message, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        ByteArrayOutputStream channel = new ByteArrayOutputStream();
        Frames.send(channel, Frames.encodeMessage(message, true)); // as a pool on the worker's own java sends
        return Frames.read(new ByteArrayInputStream(channel.toByteArray()), filter);
    }
}
