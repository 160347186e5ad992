package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.AsyncChild;
import dev.safespawn.ChildHandler;
import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.ExitStatus;
import dev.safespawn.Signal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who reads the server's replies: the thread that waits for one, or the
 * event loop's thread. Whichever thread asks, its answer must come, even
 * the loop's own thread asking while another thread reads, which is the
 * case that would deadlock if a follower waited for a reader that left.
 */
@Timeout(60)
class ZygoteRepliesTest {

    @Test
    void theLoopsOwnRequestIsAnsweredWhileAnotherThreadReads() throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        try {
            zygote.start();
            ChildProcess waited = zygote.spawn(Command.of("sleep", "30"));
            CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return waited.waitFor(); // this platform thread reads the replies while it waits
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, ForkJoinPool.commonPool());
            CompletableFuture<Boolean> signalledFromLoop = new CompletableFuture<>();

            AsyncChild killed = zygote.spawnAsync(Command.of("sleep", "30"), new ChildHandler() {
                @Override
                public void onStart(AsyncChild child) {
                    // On the loop's thread: a signal is a request the server answers.
                    signalledFromLoop.complete(child.process().signal(Signal.TERM));
                }
            }, null);

            assertThat(signalledFromLoop.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(killed.completion().get(30, TimeUnit.SECONDS)).isEqualTo(ExitStatus.killedBy(Signal.TERM));
            assertThat(waiter).isNotDone();
            assertThat(waited.signal(Signal.KILL)).isTrue();
            assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo(128 + Signal.KILL);
        } finally {
            zygote.close();
        }
    }

    @Test
    void manyThreadsWaitingAtOnceAllGetTheirExits() throws Exception {
        ZygoteStrategy zygote = new ZygoteStrategy();
        try {
            zygote.start();
            int n = 16;
            CompletableFuture<?>[] runs = new CompletableFuture<?>[n];
            for (int i = 0; i < n; i++) {
                int code = i;
                runs[i] = CompletableFuture.supplyAsync(() -> {
                    try {
                        for (int k = 0; k < 20; k++) {
                            ChildProcess c = zygote.spawn(Command.of("sh", "-c", "exit " + code));
                            if (c.waitFor() != code) {
                                throw new AssertionError("child " + c.pid() + " exited with another status");
                            }
                            c.close();
                        }
                        return null;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> {
                    Thread platform = new Thread(r);
                    platform.start();
                });
            }
            CompletableFuture.allOf(runs).get(60, TimeUnit.SECONDS);
        } finally {
            zygote.close();
        }
    }
}
