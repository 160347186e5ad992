package dev.safespawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RedirectTest {

    private static final Path A = Path.of("/tmp/a.txt");
    private static final Path B = Path.of("/tmp/b.txt");

    @Test
    void constantsHaveTheirKindAndNoFile() {
        assertThat(Redirect.PIPE.kind()).isEqualTo(Redirect.Kind.PIPE);
        assertThat(Redirect.INHERIT.kind()).isEqualTo(Redirect.Kind.INHERIT);
        assertThat(Redirect.DISCARD.kind()).isEqualTo(Redirect.Kind.DISCARD);
        assertThat(Redirect.PIPE.file()).isEmpty();
        assertThat(Redirect.INHERIT.file()).isEmpty();
        assertThat(Redirect.DISCARD.file()).isEmpty();
    }

    @Test
    void fileFactoriesHaveTheirKindAndFile() {
        assertThat(Redirect.from(A).kind()).isEqualTo(Redirect.Kind.READ);
        assertThat(Redirect.to(A).kind()).isEqualTo(Redirect.Kind.WRITE);
        assertThat(Redirect.appendTo(A).kind()).isEqualTo(Redirect.Kind.APPEND);
        assertThat(Redirect.from(A).file()).contains(A);
        assertThat(Redirect.to(A).file()).contains(A);
        assertThat(Redirect.appendTo(B).file()).contains(B);
    }

    @Test
    void equalByKindAndPath() {
        assertThat(Redirect.to(A)).isEqualTo(Redirect.to(Path.of("/tmp/a.txt")));
        assertThat(Redirect.to(A)).hasSameHashCodeAs(Redirect.to(Path.of("/tmp/a.txt")));
        assertThat(Redirect.from(A)).isEqualTo(Redirect.from(A)).hasSameHashCodeAs(Redirect.from(A));
        assertThat(Redirect.appendTo(A)).isEqualTo(Redirect.appendTo(A))
                .hasSameHashCodeAs(Redirect.appendTo(A));
        assertThat(Redirect.PIPE).isEqualTo(Redirect.PIPE);
    }

    @Test
    void differentKindOrPathIsNotEqual() {
        assertThat(Redirect.to(A)).isNotEqualTo(Redirect.appendTo(A));
        assertThat(Redirect.to(A)).isNotEqualTo(Redirect.from(A));
        assertThat(Redirect.from(A)).isNotEqualTo(Redirect.appendTo(A));
        assertThat(Redirect.to(A)).isNotEqualTo(Redirect.to(B));
        assertThat(Redirect.PIPE).isNotEqualTo(Redirect.INHERIT);
        assertThat(Redirect.INHERIT).isNotEqualTo(Redirect.DISCARD);
        assertThat(Redirect.DISCARD).isNotEqualTo(Redirect.to(Path.of("/dev/null")));
        assertThat(Redirect.PIPE).isNotEqualTo(null);
        assertThat((Object) Redirect.PIPE).isNotEqualTo("PIPE");
    }

    @Test
    void toStringShowsKindAndPath() {
        assertThat(Redirect.PIPE).hasToString("PIPE");
        assertThat(Redirect.INHERIT).hasToString("INHERIT");
        assertThat(Redirect.DISCARD).hasToString("DISCARD");
        assertThat(Redirect.from(A)).hasToString("READ /tmp/a.txt");
        assertThat(Redirect.to(A)).hasToString("WRITE /tmp/a.txt");
        assertThat(Redirect.appendTo(B)).hasToString("APPEND /tmp/b.txt");
    }

    @Test
    void nullFilesAreRejected() {
        assertThatNullPointerException().isThrownBy(() -> Redirect.from(null));
        assertThatNullPointerException().isThrownBy(() -> Redirect.to(null));
        assertThatNullPointerException().isThrownBy(() -> Redirect.appendTo(null));
    }
}
