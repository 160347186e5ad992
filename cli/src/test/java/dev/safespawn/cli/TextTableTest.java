package dev.safespawn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsFitTheirLongestCellAndNumbersAlignRight() {
        StringWriter s = new StringWriter();
        new TextTable("name", "n").alignRight(1).addRow("a", "100").addRow("longer", "7")
                .print(new PrintWriter(s, true), "> ");

        assertThat(s.toString().lines()).containsExactly(
                "> name   |   n",
                "> -------+----",
                "> a      | 100",
                "> longer |   7");
    }

    @Test
    void rowsMustFillEveryColumn() {
        assertThatThrownBy(() -> new TextTable("a", "b").addRow("only one"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
