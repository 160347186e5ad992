package dev.safespawn.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Tells whether the current thread is virtual, without compiling against
 * JDK 21: a call that would block in native code must park instead on a
 * virtual thread, or it pins the carrier that other virtual threads need.
 * Platform threads keep the direct native wait, which is faster.
 */
public final class VirtualThreads {
    /** {@code Thread::isVirtual}, or null before JDK 21, where no thread is virtual. */
    private static final MethodHandle IS_VIRTUAL = lookUp();

    private VirtualThreads() {
    }

    private static MethodHandle lookUp() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /**
     * @return whether the calling thread is virtual
     */
    public static boolean isCurrent() {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
        } catch (Throwable e) {
            throw new IllegalStateException("Thread.isVirtual failed", e); // it throws nothing
        }
    }
}
