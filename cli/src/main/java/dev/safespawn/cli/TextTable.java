package dev.safespawn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with a header row and {@code |} between columns, for the
 * side-by-side results of {@code demo} and {@code bench}. Widths fit the
 * longest cell, so it reads in a terminal and survives copy-paste.
 */
final class TextTable {
    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    /** A table with these column headers, every column left-aligned. */
    TextTable(String... headers) {
        this.headers = headers.clone();
        this.rightAligned = new boolean[headers.length];
    }

    /** Aligns the given columns (0-based) to the right, as numbers read best. */
    TextTable alignRight(int... columns) {
        for (int c : columns) {
            rightAligned[c] = true;
        }
        return this;
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException if it has not one cell per column
     */
    TextTable addRow(String... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + headers.length
                    + " columns: " + Arrays.toString(cells));
        }
        rows.add(cells.clone());
        return this;
    }

    /** Prints the header, a rule, and every row, each line starting with {@code indent}. */
    void print(PrintWriter out, String indent) {
        int[] widths = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            widths[c] = headers[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        out.println(indent + line(headers, widths));
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
        }
        out.println(indent + rule);
        for (String[] row : rows) {
            out.println(indent + line(row, widths));
        }
    }

    private String line(String[] cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(widths[c] - cells[c].length());
            b.append(c == 0 ? "" : " | ").append(rightAligned[c] ? pad + cells[c] : cells[c] + pad);
        }
        return b.toString().stripTrailing();
    }
}
