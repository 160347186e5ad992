package dev.safespawn.internal;

/**
 * Symbolic names and human-readable messages for Linux {@code errno} values.
 *
 * <p>The numbers are Linux's generic values (from {@code asm-generic/errno-base.h}
 * and {@code asm-generic/errno.h}), which are the ones used on x86-64 and aarch64.
 * Other architectures (Alpha, MIPS, SPARC, PA-RISC) number some of these
 * differently; the library only targets the generic ABI, so a single table is enough.
 *
 * <p>The messages are glibc's {@code strerror} texts in the C locale, so that an
 * error reported by this library reads the same as one reported by a C tool
 * (e.g. {@code bash: /x: Permission denied}). The table is kept here rather than
 * fetched through native {@code strerror} because errors must be describable even
 * when the native layer itself failed to load.
 */
public final class Errno {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Exec format error. */
    public static final int ENOEXEC = 8;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** No child processes. */
    public static final int ECHILD = 10;
    /** Resource temporarily unavailable (same number as {@code EWOULDBLOCK}). */
    public static final int EAGAIN = 11;
    /** Cannot allocate memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Too many open files (per-process descriptor limit). */
    public static final int EMFILE = 24;
    /** Text file busy. */
    public static final int ETXTBSY = 26;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** Function not implemented. */
    public static final int ENOSYS = 38;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /**
     * Operation not supported. On Linux this is the same number as
     * {@code EOPNOTSUPP}, which is the name {@link #name(int)} reports for it.
     */
    public static final int ENOTSUP = 95;

    /**
     * Names indexed by errno. Index 0 is not an error; 41 and 58 are unassigned
     * in the generic ABI (58 is {@code EDEADLOCK} only on some other
     * architectures), so they stay {@code null} and fall through to the
     * "unknown" formatting just as glibc does for them.
     */
    private static final String[] NAMES = {
        null,
        "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO",                           // 1-5
        "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",                       // 6-10
        "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK",                    // 11-15
        "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",                      // 16-20
        "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY",                     // 21-25
        "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",                      // 26-30
        "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",                       // 31-35
        "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP",             // 36-40
        null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC",                        // 41-45
        "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI",                    // 46-50
        "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",                       // 51-55
        "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR",                       // 56-60
        "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG",                      // 61-65
        "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM",                      // 66-70
        "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW",             // 71-75
        "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD",                // 76-80
        "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART",               // 81-85
        "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE",         // 86-90
        "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT",
        "EOPNOTSUPP",                                                         // 91-95
        "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
        "ENETDOWN",                                                           // 96-100
        "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS",  // 101-105
        "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT",      // 106-110
        "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY",
        "EINPROGRESS",                                                        // 111-115
        "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL", "EISNAM",                  // 116-120
        "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED",       // 121-125
        "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", // 126-130
        "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",                            // 131-133
    };

    /** glibc {@code strerror} texts, indexed exactly like {@link #NAMES}. */
    private static final String[] MESSAGES = {
        null,
        "Operation not permitted",                          // 1 EPERM
        "No such file or directory",                        // 2 ENOENT
        "No such process",                                  // 3 ESRCH
        "Interrupted system call",                          // 4 EINTR
        "Input/output error",                               // 5 EIO
        "No such device or address",                        // 6 ENXIO
        "Argument list too long",                           // 7 E2BIG
        "Exec format error",                                // 8 ENOEXEC
        "Bad file descriptor",                              // 9 EBADF
        "No child processes",                               // 10 ECHILD
        "Resource temporarily unavailable",                 // 11 EAGAIN
        "Cannot allocate memory",                           // 12 ENOMEM
        "Permission denied",                                // 13 EACCES
        "Bad address",                                      // 14 EFAULT
        "Block device required",                            // 15 ENOTBLK
        "Device or resource busy",                          // 16 EBUSY
        "File exists",                                      // 17 EEXIST
        "Invalid cross-device link",                        // 18 EXDEV
        "No such device",                                   // 19 ENODEV
        "Not a directory",                                  // 20 ENOTDIR
        "Is a directory",                                   // 21 EISDIR
        "Invalid argument",                                 // 22 EINVAL
        "Too many open files in system",                    // 23 ENFILE
        "Too many open files",                              // 24 EMFILE
        "Inappropriate ioctl for device",                   // 25 ENOTTY
        "Text file busy",                                   // 26 ETXTBSY
        "File too large",                                   // 27 EFBIG
        "No space left on device",                          // 28 ENOSPC
        "Illegal seek",                                     // 29 ESPIPE
        "Read-only file system",                            // 30 EROFS
        "Too many links",                                   // 31 EMLINK
        "Broken pipe",                                      // 32 EPIPE
        "Numerical argument out of domain",                 // 33 EDOM
        "Numerical result out of range",                    // 34 ERANGE
        "Resource deadlock avoided",                        // 35 EDEADLK
        "File name too long",                               // 36 ENAMETOOLONG
        "No locks available",                               // 37 ENOLCK
        "Function not implemented",                         // 38 ENOSYS
        "Directory not empty",                              // 39 ENOTEMPTY
        "Too many levels of symbolic links",                // 40 ELOOP
        null,                                               // 41 unassigned
        "No message of desired type",                       // 42 ENOMSG
        "Identifier removed",                               // 43 EIDRM
        "Channel number out of range",                      // 44 ECHRNG
        "Level 2 not synchronized",                         // 45 EL2NSYNC
        "Level 3 halted",                                   // 46 EL3HLT
        "Level 3 reset",                                    // 47 EL3RST
        "Link number out of range",                         // 48 ELNRNG
        "Protocol driver not attached",                     // 49 EUNATCH
        "No CSI structure available",                       // 50 ENOCSI
        "Level 2 halted",                                   // 51 EL2HLT
        "Invalid exchange",                                 // 52 EBADE
        "Invalid request descriptor",                       // 53 EBADR
        "Exchange full",                                    // 54 EXFULL
        "No anode",                                         // 55 ENOANO
        "Invalid request code",                             // 56 EBADRQC
        "Invalid slot",                                     // 57 EBADSLT
        null,                                               // 58 unassigned
        "Bad font file format",                             // 59 EBFONT
        "Device not a stream",                              // 60 ENOSTR
        "No data available",                                // 61 ENODATA
        "Timer expired",                                    // 62 ETIME
        "Out of streams resources",                         // 63 ENOSR
        "Machine is not on the network",                    // 64 ENONET
        "Package not installed",                            // 65 ENOPKG
        "Object is remote",                                 // 66 EREMOTE
        "Link has been severed",                            // 67 ENOLINK
        "Advertise error",                                  // 68 EADV
        "Srmount error",                                    // 69 ESRMNT
        "Communication error on send",                      // 70 ECOMM
        "Protocol error",                                   // 71 EPROTO
        "Multihop attempted",                               // 72 EMULTIHOP
        "RFS specific error",                               // 73 EDOTDOT
        "Bad message",                                      // 74 EBADMSG
        "Value too large for defined data type",            // 75 EOVERFLOW
        "Name not unique on network",                       // 76 ENOTUNIQ
        "File descriptor in bad state",                     // 77 EBADFD
        "Remote address changed",                           // 78 EREMCHG
        "Can not access a needed shared library",           // 79 ELIBACC
        "Accessing a corrupted shared library",             // 80 ELIBBAD
        ".lib section in a.out corrupted",                  // 81 ELIBSCN
        "Attempting to link in too many shared libraries",  // 82 ELIBMAX
        "Cannot exec a shared library directly",            // 83 ELIBEXEC
        "Invalid or incomplete multibyte or wide character", // 84 EILSEQ
        "Interrupted system call should be restarted",      // 85 ERESTART
        "Streams pipe error",                               // 86 ESTRPIPE
        "Too many users",                                   // 87 EUSERS
        "Socket operation on non-socket",                   // 88 ENOTSOCK
        "Destination address required",                     // 89 EDESTADDRREQ
        "Message too long",                                 // 90 EMSGSIZE
        "Protocol wrong type for socket",                   // 91 EPROTOTYPE
        "Protocol not available",                           // 92 ENOPROTOOPT
        "Protocol not supported",                           // 93 EPROTONOSUPPORT
        "Socket type not supported",                        // 94 ESOCKTNOSUPPORT
        "Operation not supported",                          // 95 EOPNOTSUPP
        "Protocol family not supported",                    // 96 EPFNOSUPPORT
        "Address family not supported by protocol",         // 97 EAFNOSUPPORT
        "Address already in use",                           // 98 EADDRINUSE
        "Cannot assign requested address",                  // 99 EADDRNOTAVAIL
        "Network is down",                                  // 100 ENETDOWN
        "Network is unreachable",                           // 101 ENETUNREACH
        "Network dropped connection on reset",              // 102 ENETRESET
        "Software caused connection abort",                 // 103 ECONNABORTED
        "Connection reset by peer",                         // 104 ECONNRESET
        "No buffer space available",                        // 105 ENOBUFS
        "Transport endpoint is already connected",          // 106 EISCONN
        "Transport endpoint is not connected",              // 107 ENOTCONN
        "Cannot send after transport endpoint shutdown",    // 108 ESHUTDOWN
        "Too many references: cannot splice",               // 109 ETOOMANYREFS
        "Connection timed out",                             // 110 ETIMEDOUT
        "Connection refused",                               // 111 ECONNREFUSED
        "Host is down",                                     // 112 EHOSTDOWN
        "No route to host",                                 // 113 EHOSTUNREACH
        "Operation already in progress",                    // 114 EALREADY
        "Operation now in progress",                        // 115 EINPROGRESS
        "Stale file handle",                                // 116 ESTALE
        "Structure needs cleaning",                         // 117 EUCLEAN
        "Not a XENIX named type file",                      // 118 ENOTNAM
        "No XENIX semaphores available",                    // 119 ENAVAIL
        "Is a named type file",                             // 120 EISNAM
        "Remote I/O error",                                 // 121 EREMOTEIO
        "Disk quota exceeded",                              // 122 EDQUOT
        "No medium found",                                  // 123 ENOMEDIUM
        "Wrong medium type",                                // 124 EMEDIUMTYPE
        "Operation canceled",                               // 125 ECANCELED
        "Required key not available",                       // 126 ENOKEY
        "Key has expired",                                  // 127 EKEYEXPIRED
        "Key has been revoked",                             // 128 EKEYREVOKED
        "Key was rejected by service",                      // 129 EKEYREJECTED
        "Owner died",                                       // 130 EOWNERDEAD
        "State not recoverable",                            // 131 ENOTRECOVERABLE
        "Operation not possible due to RF-kill",            // 132 ERFKILL
        "Memory page has hardware error",                   // 133 EHWPOISON
    };

    private Errno() {
        // static helpers only
    }

    /**
     * Returns the symbolic name of a Linux errno value, e.g. {@code "ENOENT"} for 2.
     *
     * <p>Where Linux gives one number two names, the POSIX-common spelling is
     * returned: {@code EAGAIN} (not {@code EWOULDBLOCK}), {@code EDEADLK}
     * (not {@code EDEADLOCK}), {@code EOPNOTSUPP} (not {@code ENOTSUP}).
     *
     * @param errno the errno value
     * @return the symbolic name, or {@code "errno " + errno} if the number is
     *         not a known Linux errno (so the value is never lost in a message)
     */
    public static String name(int errno) {
        String n = lookup(NAMES, errno);
        return n != null ? n : "errno " + errno;
    }

    /**
     * Returns the glibc {@code strerror} text for a Linux errno value,
     * e.g. {@code "No such file or directory"} for 2.
     *
     * @param errno the errno value
     * @return the message, or {@code "Unknown error " + errno} for unknown
     *         numbers, which is what glibc itself prints for them
     */
    public static String message(int errno) {
        String m = lookup(MESSAGES, errno);
        return m != null ? m : "Unknown error " + errno;
    }

    private static String lookup(String[] table, int errno) {
        // Bounds check instead of catching the exception: errno values come from
        // the child or native code and may be anything, including negative.
        return errno > 0 && errno < table.length ? table[errno] : null;
    }
}
