package dev.safespawn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void namesCommonValues() {
        assertThat(Errno.name(2)).isEqualTo("ENOENT");
        assertThat(Errno.name(13)).isEqualTo("EACCES");
        assertThat(Errno.name(8)).isEqualTo("ENOEXEC");
        assertThat(Errno.name(21)).isEqualTo("EISDIR");
        assertThat(Errno.name(133)).isEqualTo("EHWPOISON");
    }

    @Test
    void sharedNumbersUsePosixCommonName() {
        assertThat(Errno.name(11)).isEqualTo("EAGAIN");
        assertThat(Errno.name(35)).isEqualTo("EDEADLK");
        assertThat(Errno.name(95)).isEqualTo("EOPNOTSUPP");
    }

    @Test
    void messagesMatchGlibc() {
        assertThat(Errno.message(Errno.ENOENT)).isEqualTo("No such file or directory");
        assertThat(Errno.message(Errno.EACCES)).isEqualTo("Permission denied");
        assertThat(Errno.message(Errno.ENOEXEC)).isEqualTo("Exec format error");
        assertThat(Errno.message(Errno.EISDIR)).isEqualTo("Is a directory");
        assertThat(Errno.message(Errno.EBADF)).isEqualTo("Bad file descriptor");
        assertThat(Errno.message(Errno.ENOTSUP)).isEqualTo("Operation not supported");
        assertThat(Errno.message(133)).isEqualTo("Memory page has hardware error");
    }

    @Test
    void constantsHaveLinuxValues() {
        assertThat(Errno.ENOENT).isEqualTo(2);
        assertThat(Errno.EACCES).isEqualTo(13);
        assertThat(Errno.ENOEXEC).isEqualTo(8);
        assertThat(Errno.EISDIR).isEqualTo(21);
        assertThat(Errno.ENOTSUP).isEqualTo(95);
    }

    @Test
    void unknownNumbersKeepTheValue() {
        assertThat(Errno.name(9999)).isEqualTo("errno 9999");
        assertThat(Errno.message(9999)).isEqualTo("Unknown error 9999");
        // 0, negatives and the unassigned gap at 41 must not throw or return null.
        assertThat(Errno.name(0)).isEqualTo("errno 0");
        assertThat(Errno.name(-1)).isEqualTo("errno -1");
        assertThat(Errno.message(41)).isEqualTo("Unknown error 41");
        assertThat(Errno.name(134)).isEqualTo("errno 134");
    }
}
