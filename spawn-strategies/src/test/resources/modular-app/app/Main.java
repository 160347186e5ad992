package app;

import dev.safespawn.ChildProcess;
import dev.safespawn.Command;
import dev.safespawn.Spawner;
import java.nio.charset.StandardCharsets;

/**
 * Spawns {@code echo} through each strategy named on the command line and
 * prints one line per strategy, then what the module graph exports.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        for (String name : args) {
            try (Spawner spawner = Spawner.of(name)) {
                ChildProcess child = spawner.spawn(Command.builder("echo", "hello from", name).build());
                String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                System.out.println(name + ": " + out + ", exit " + child.waitFor());
            }
        }
        for (String module : new String[] {"dev.safespawn.core", "dev.safespawn.strategies"}) {
            System.out.println(module + " exports " + ModuleLayer.boot().findModule(module).orElseThrow()
                    .getDescriptor().exports().stream()
                    .map(e -> e.source() + (e.isQualified() ? " to " + e.targets() : ""))
                    .sorted().toList());
        }
    }
}
