package dev.safespawn.strategies.zygote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safespawn.strategies.internal.CHeader;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * zygote_protocol.h is the one home of the protocol's numbers: ZygoteProtocol
 * must hold every {@code #define} with the header's value, and for every
 * {@code struct ssz_x} a nested class {@code X} with each field's offset
 * (the field's name in capitals) and the {@code SIZE}, as the header lays
 * the struct out.
 */
class ZygoteProtocolHeaderTest {

    @Test
    void everyDefineOfTheHeaderIsInItsMirrorWithTheSameValue() throws Exception {
        CHeader.assertDefinesMirrored("zygote_protocol.h", ZygoteProtocol.class, "SSZ_");
    }

    @Test
    void everyStructOfTheHeaderIsLaidOutTheSameInItsMirror() throws Exception {
        CHeader header = CHeader.read("zygote_protocol.h");
        assertThat(header.structs()).as("zygote_protocol.h's structs").hasSizeGreaterThanOrEqualTo(8);
        Map<String, Class<?>> nested = new TreeMap<>();
        for (Class<?> c : ZygoteProtocol.class.getDeclaredClasses()) {
            nested.put(c.getSimpleName(), c);
        }
        for (Map.Entry<String, Map<String, Long>> struct : header.structs().entrySet()) {
            String className = className(struct.getKey());
            Class<?> mirror = nested.get(className);
            assertThat(mirror).as("ZygoteProtocol.%s, the mirror of struct %s", className, struct.getKey())
                    .isNotNull();
            Map<String, Long> expected = new TreeMap<>();
            struct.getValue().forEach((field, offset) ->
                    expected.put(field.equals(CHeader.SIZE) ? "SIZE" : field.toUpperCase(Locale.ROOT), offset));
            Map<String, Long> actual = CHeader.constants(mirror, "");
            assertThat(actual).as("ZygoteProtocol.%s against struct %s:%s", className, struct.getKey(),
                    CHeader.describe("struct " + struct.getKey(), expected, "ZygoteProtocol." + className, actual))
                    .isEqualTo(expected);
        }
    }

    /** ssz_spawn_fixed -> SpawnFixed. */
    private static String className(String struct) {
        StringBuilder s = new StringBuilder();
        for (String part : struct.replaceFirst("^ssz_", "").split("_")) {
            s.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return s.toString();
    }
}
