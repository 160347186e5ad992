package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.LastErrorException;
import org.junit.jupiter.api.Test;

/** The CLI's own libc binding: loadable here, and errors read as words. */
class LibcTest {

    @Test
    void libcIsUsableOnTheMachinesTheCliSupports() {
        assertThat(Libc.Availability.problem()).isEmpty();
    }

    @Test
    void errorNumbersReadAsTextAndName() {
        assertThat(Libc.describe(2)).startsWith("No such file or directory (").endsWith(")");
        assertThat(Libc.describe(Libc.EINTR)).isEqualTo("Interrupted system call (EINTR)");
    }

    @Test
    void aFailedCallCarriesItsErrno() {
        // 9 is EBADF; -1 is never a descriptor.
        assertThatThrownBy(() -> Libc.close(-1)).isInstanceOfSatisfying(LastErrorException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(9));
    }
}
