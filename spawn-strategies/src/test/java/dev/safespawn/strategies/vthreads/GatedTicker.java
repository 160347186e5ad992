package dev.safespawn.strategies.vthreads;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ticker of the pinning tests: a task that ticks every few milliseconds
 * and, once every blocker has arrived, opens the gate after {@link #TICKS}
 * more ticks. The blockers' children end only after the gate opens, so if
 * blocking calls pinned the one carrier the ticker would never tick, the
 * gate would never open and the test would hang until its bound: progress
 * while the children block is proved by the test finishing at all.
 */
final class GatedTicker implements Runnable {
    static final int TICKS = 20;
    private static final long TICK_MILLIS = 5;

    private final CountDownLatch arrivals;
    private final GateAction gate;
    private final AtomicInteger ticksWhileBlocked = new AtomicInteger();

    /** What opening the gate does (close stdin, write a payload, start a reader...). */
    interface GateAction {
        void open() throws Exception;
    }

    GatedTicker(int blockers, GateAction gate) {
        this.arrivals = new CountDownLatch(blockers);
        this.gate = gate;
    }

    /** Called by each blocker just before its blocking call. */
    void arrive() {
        arrivals.countDown();
    }

    /** Ticks counted after every blocker arrived and before the gate opened. */
    int ticksWhileBlocked() {
        return ticksWhileBlocked.get();
    }

    @Override
    public void run() {
        try {
            // This sleep is the ticker's own work, not synchronisation: it
            // needs the carrier back every few milliseconds.
            while (arrivals.getCount() > 0 || ticksWhileBlocked.get() < TICKS) {
                Thread.sleep(TICK_MILLIS);
                if (arrivals.getCount() == 0) {
                    ticksWhileBlocked.incrementAndGet();
                }
            }
            gate.open();
        } catch (InterruptedException e) {
            // the test is over (it ended the tasks); there is no gate left to open
        } catch (Exception e) {
            throw new IllegalStateException("the ticker failed to open the gate", e);
        }
    }
}
