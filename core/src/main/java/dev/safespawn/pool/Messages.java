package dev.safespawn.pool;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * What travels on a task channel. The messages themselves are not
 * serialized: {@link Frames} writes each as a kind byte and its fields, and
 * only what the user's code supplies (a task, an initializer, a value, an
 * exception) goes through Java serialization. Records would deserialize
 * through method-handle chains the JDK builds on first use, which cost a
 * fresh worker JVM tens of milliseconds before its first task.
 */
final class Messages {
    private Messages() {
    }

    /** One message on the channel. */
    sealed interface Message permits Ready, Init, InitFailed, Task, Result {
    }

    /**
     * Worker to parent, once: the JVM is up and reading its channel. (Not its
     * pid, which the parent knows: asking for it would start the JDK's
     * process-reaper machinery in every worker, milliseconds of its start.)
     */
    record Ready() implements Message {
    }

    /** Parent to worker, first, if the pool has an initializer: run this before greeting. */
    record Init(Runnable initializer) implements Message {
    }

    /** Worker to parent, instead of {@link Ready}: the initializer threw this; the worker then ends. */
    record InitFailed(Throwable failure) implements Message {
    }

    /**
     * Parent to worker: run this. The callable travels as its own
     * serialization stream inside the message, so a worker that cannot load
     * its class still reads the message, knows which task it was, and
     * answers with why, instead of losing its channel.
     */
    record Task(long id, byte[] callable) implements Message {
        /**
         * @param jdkByName see {@link Frames#encode(Object, boolean)}
         * @throws java.io.ObjectStreamException if {@code callable} cannot be serialized
         */
        static Task of(long id, Callable<?> callable, boolean jdkByName) throws java.io.IOException {
            return new Task(id, Frames.encode(callable, jdkByName));
        }
    }

    /** Worker to parent: the task's value, or what it threw. */
    record Result(long id, Object value, Throwable failure) implements Message {
    }

    /**
     * Stands in for a task's exception or value that could not be serialized,
     * keeping its class name, message and stack trace.
     */
    static final class Unserializable extends Exception implements Serializable {
        private static final long serialVersionUID = 1L;

        Unserializable(String what, Throwable original, Exception why) {
            super(what + " could not be sent back (" + why + "): "
                    + (original == null ? "" : original.getClass().getName() + ": " + original.getMessage()));
            if (original != null) {
                setStackTrace(original.getStackTrace());
            }
        }
    }
}
