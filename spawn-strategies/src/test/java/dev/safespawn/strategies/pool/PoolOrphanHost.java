package dev.safespawn.strategies.pool;

import dev.safespawn.Spawner;
import dev.safespawn.pool.ProcessPool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;

/**
 * Main class of the intermediate JVM in {@link PoolOrphanTest}: builds a pool
 * of two prestarted workers with the strategy named in args[0] ("default" for
 * the pool's own {@code Spawner.create()}), prints "pids A B" for its two
 * workers, and blocks until killed. Given a FIFO's path as args[1], it first
 * hangs both workers in native code, reading that FIFO (see
 * {@link PoolHungTest#hangs}), and prints "hung" once both tasks are past the gate.
 */
public final class PoolOrphanHost {
    private PoolOrphanHost() {
    }

    public static void main(String[] args) throws Exception {
        ProcessPool.Builder builder = ProcessPool.builder().workers(2).prestart().output(ProcessPool.Output.discard());
        if (!args[0].equals("default")) {
            builder.spawner(Spawner.of(args[0]));
        }
        ProcessPool pool = builder.build();
        try (Gate gate = new Gate()) {
            int port = gate.port();
            // Each task waits at the gate until both have arrived: so they run at once, one in each worker.
            Future<Long> a = pool.submit(() -> {
                Gate.pass(port);
                return ProcessHandle.current().pid();
            });
            Future<Long> b = pool.submit(() -> {
                Gate.pass(port);
                return ProcessHandle.current().pid();
            });
            gate.awaitArrivals(2);
            gate.release();
            System.out.println("pids " + PoolTesting.valueOf(a) + " " + PoolTesting.valueOf(b));
            System.out.flush();
            if (args.length > 1) {
                // Both at the gate at once: one in each worker, as above.
                pool.submit(PoolHungTest.hangs(port, args[1]));
                pool.submit(PoolHungTest.hangs(port, args[1]));
                gate.awaitArrivals(2);
                gate.release();
                System.out.println("hung");
                System.out.flush();
            }
        }
        new CountDownLatch(1).await(); // the test kills this JVM
    }
}
