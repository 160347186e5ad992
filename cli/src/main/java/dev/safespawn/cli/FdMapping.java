package dev.safespawn.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --pass-fd P:C}: the CLI's own descriptor {@code parentFd} becomes
 * the child's descriptor {@code childFd}.
 *
 * @param parentFd a descriptor open in the CLI's process
 * @param childFd the number the child sees it under
 */
record FdMapping(int parentFd, int childFd) {

    /** Parses {@code P:C}, two non-negative decimal numbers. */
    static final class Converter implements ITypeConverter<FdMapping> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9}):(\\d{1,9})");

        /** @throws TypeConversionException naming the expected form */
        @Override
        public FdMapping convert(String text) {
            Matcher m = FORM.matcher(text.strip());
            if (!m.matches()) {
                throw new TypeConversionException("'" + text
                        + "' is not P:C, the CLI's descriptor P and the child's number C (e.g. 3:3)");
            }
            return new FdMapping(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
    }
}
