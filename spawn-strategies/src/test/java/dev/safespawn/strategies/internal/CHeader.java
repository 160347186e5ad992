package dev.safespawn.strategies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a header of {@code src/main/c} defines, read from the source tree (the
 * pom passes its directory as {@code safespawn.c.dir}) for the tests that
 * compare it with its Java mirror: every object-like {@code #define} with a
 * value, and every struct's field offsets and size as the 64-bit Linux ABI
 * lays them out (natural alignment; the headers use only fixed-width integers
 * and pointers, which this refuses to guess beyond).
 */
public record CHeader(String name, Map<String, Long> defines, Map<String, Map<String, Long>> structs) {
    private static final Pattern DEFINE = Pattern.compile("^[ \\t]*#[ \\t]*define[ \\t]+([A-Z][A-Z0-9_]*)[ \\t]+(\\S.*)$",
            Pattern.MULTILINE);
    private static final Pattern STRUCT = Pattern.compile("struct\\s+(\\w+)\\s*\\{([^}]*)\\}\\s*;");
    private static final Pattern FIELD = Pattern.compile("^(.*?)\\s*\\b(\\w+)$");
    /** The size key in a struct's map; no field is called this. */
    public static final String SIZE = "(size)";

    /** Reads {@code fileName} from the C source directory. */
    public static CHeader read(String fileName) throws IOException {
        String dir = System.getProperty("safespawn.c.dir");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("system property safespawn.c.dir (set by the pom) names src/main/c");
        }
        String text = Files.readString(Path.of(dir, fileName));
        String code = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        Map<String, Long> defines = new TreeMap<>();
        Matcher d = DEFINE.matcher(code);
        while (d.find()) {
            defines.put(d.group(1), evaluate(d.group(2).trim(), fileName + ": " + d.group(1)));
        }
        Map<String, Map<String, Long>> structs = new TreeMap<>();
        Matcher s = STRUCT.matcher(code);
        while (s.find()) {
            structs.put(s.group(1), layout(s.group(1), s.group(2)));
        }
        return new CHeader(fileName, defines, structs);
    }

    /** An integer literal (decimal or hex, with u/l suffixes), or a product of them in parentheses. */
    private static long evaluate(String expression, String what) {
        String e = expression.replaceAll("^\\((.*)\\)$", "$1").trim();
        long product = 1;
        for (String factor : e.split("\\*")) {
            String f = factor.trim().replaceAll("(?i)[ul]+$", "");
            if (!f.matches("(0[xX][0-9a-fA-F]+|[0-9]+)")) {
                throw new IllegalArgumentException(what + ": cannot read the value '" + expression + "'");
            }
            product *= f.startsWith("0x") || f.startsWith("0X") ? Long.parseLong(f.substring(2), 16) : Long.parseLong(f);
        }
        return product;
    }

    private static Map<String, Long> layout(String struct, String body) {
        Map<String, Long> offsets = new LinkedHashMap<>();
        long offset = 0;
        long maxAlign = 1;
        for (String declaration : body.split(";")) {
            String decl = declaration.trim().replaceAll("\\s+", " ");
            if (decl.isEmpty()) {
                continue;
            }
            Matcher m = FIELD.matcher(decl);
            if (!m.matches()) {
                throw new IllegalArgumentException("struct " + struct + ": cannot read '" + decl + "'");
            }
            long size = sizeOf(m.group(1), struct);
            offset = (offset + size - 1) / size * size;
            offsets.put(m.group(2), offset);
            offset += size;
            maxAlign = Math.max(maxAlign, size);
        }
        offsets.put(SIZE, (offset + maxAlign - 1) / maxAlign * maxAlign);
        return offsets;
    }

    private static long sizeOf(String type, String struct) {
        if (type.contains("*")) {
            return 8;
        }
        return switch (type.replace("const ", "").trim()) {
            case "int32_t", "uint32_t" -> 4;
            case "int64_t", "uint64_t" -> 8;
            default -> throw new IllegalArgumentException("struct " + struct + ": a field of type '" + type
                    + "', which this reader does not lay out");
        };
    }

    /**
     * Asserts that {@code mirror}'s constants named {@code prefix*} are exactly
     * the {@code #define}s of the header {@code fileName}, with the same values,
     * naming every difference.
     */
    public static void assertDefinesMirrored(String fileName, Class<?> mirror, String prefix) throws IOException {
        CHeader header = read(fileName);
        Map<String, Long> java = constants(mirror, prefix);
        String mirrorName = mirror.getSimpleName();
        assertThat(header.defines()).as("%s's #defines", fileName).isNotEmpty();
        assertThat(java).as("%s against %s:%s", mirrorName, fileName,
                describe(fileName, header.definesAsInt32(), mirrorName, java))
                .isEqualTo(header.definesAsInt32());
    }

    /** The static final int fields of {@code mirror} whose names start with {@code prefix}, by name. */
    public static Map<String, Long> constants(Class<?> mirror, String prefix) {
        Map<String, Long> found = new TreeMap<>();
        for (Field f : mirror.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == int.class
                    && f.getName().startsWith(prefix)) {
                try {
                    f.setAccessible(true);
                    found.put(f.getName(), (long) f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return found;
    }

    /** The {@code #define}s as a Java int holds them (SSZ_MAGIC is unsigned in C). */
    public Map<String, Long> definesAsInt32() {
        Map<String, Long> m = new TreeMap<>();
        defines.forEach((k, v) -> m.put(k, (long) (int) (long) v));
        return m;
    }

    /** Each name whose value differs between the header and the mirror, for a failure message. */
    public static String describe(String header, Map<String, Long> fromHeader, String mirror,
                                  Map<String, Long> inMirror) {
        Set<String> names = new TreeSet<>(fromHeader.keySet());
        names.addAll(inMirror.keySet());
        StringBuilder s = new StringBuilder();
        for (String name : names) {
            Long h = fromHeader.get(name);
            Long j = inMirror.get(name);
            if (!Objects.equals(h, j)) {
                s.append(String.format("%n  %s: %s has %s, %s has %s", name, header, h == null ? "nothing" : h,
                        mirror, j == null ? "nothing" : j));
            }
        }
        return s.toString();
    }
}
