package dev.safespawn.pool;

import java.lang.module.ResolvedModule;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The native access a worker is given by default: that of this JVM. From
 * JDK 24 a JVM warns (or, with {@code --illegal-native-access=deny}, fails)
 * the first time code of a module not granted native access loads a native
 * library or calls a restricted method, as JNA does when a task spawns with
 * a native strategy. A worker runs this JVM's code on its behalf, so it
 * gets the same grant, whether this JVM got it from the command line, from
 * {@code JDK_JAVA_OPTIONS} or from its jar's {@code Enable-Native-Access}
 * manifest attribute; never more. Under the JDK's default
 * ({@code --illegal-native-access=warn}) a module that was warned about
 * counts as granted from then on, so a worker then has it too: the grant
 * then spares the worker the same warning, and gives it nothing it could
 * not do anyway. Stateless and thread-safe.
 */
final class NativeAccess {
    /** The option's name; its value is a comma-separated list of modules. */
    static final String OPTION = "--enable-native-access";
    /** The value naming every unnamed module, so all code on a class path. */
    static final String ALL_UNNAMED = "ALL-UNNAMED";

    private NativeAccess() {
    }

    /**
     * The options that give a worker with {@code launch} this JVM's native access.
     *
     * @return the {@value #OPTION} options, none if this JVM grants none
     */
    static List<String> forWorkers(WorkerLaunch launch) {
        Optional<Method> enabled = isNativeAccessEnabled();
        if (enabled.isEmpty()) { // JDK 17 to 20: only what the command line asked for
            List<String> asked = new ArrayList<>();
            JvmOptions.ofThisJvm().stream().filter(o -> JvmOptions.name(o).equals(OPTION)).forEach(asked::add);
            return asked;
        }
        boolean unnamed = enabled(enabled.get(), ClassLoader.getSystemClassLoader().getUnnamedModule());
        Set<String> named = new TreeSet<>();
        for (ResolvedModule module : ModuleLayer.boot().configuration().modules()) {
            // Only modules from files: those of the runtime image (jrt:) are the JDK's, granted by the JDK.
            boolean fromFile = module.reference().location().map(URI::getScheme).filter("file"::equals).isPresent();
            if (fromFile && enabled(enabled.get(), ModuleLayer.boot().findModule(module.name()).orElseThrow())) {
                named.add(module.name());
            }
        }
        return options(launch.isModular(), unnamed, named);
    }

    /**
     * The options for a worker, from this JVM's grants.
     *
     * @param modular whether the worker runs this JVM's named modules as named modules
     * @param unnamed whether this JVM's unnamed modules have native access
     * @param named this JVM's named modules, loaded from files, that have native access
     */
    static List<String> options(boolean modular, boolean unnamed, Set<String> named) {
        Set<String> modules = new TreeSet<>();
        if (unnamed || (!modular && !named.isEmpty())) { // a worker on a class path runs named modules as jars
            modules.add(ALL_UNNAMED);
        }
        if (modular) {
            modules.addAll(named);
        }
        return modules.isEmpty() ? List.of() : List.of(OPTION + "=" + String.join(",", modules));
    }

    /** {@code Module.isNativeAccessEnabled()}: JDK 21 on (a preview API there, standard from 22); the build targets 17. */
    private static Optional<Method> isNativeAccessEnabled() {
        try {
            return Optional.of(Module.class.getMethod("isNativeAccessEnabled"));
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    private static boolean enabled(Method isNativeAccessEnabled, Module module) {
        try {
            return (Boolean) isNativeAccessEnabled.invoke(module);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot tell whether " + module + " has native access", e);
        }
    }
}
