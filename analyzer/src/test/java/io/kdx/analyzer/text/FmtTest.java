package io.kdx.analyzer.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdx.analyzer.sys.SysText;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** kdx's text is the same in every locale. */
class FmtTest {
    @Test
    void numbersPrintWithAsciiDigitsAndAPointInAnyLocale() {
        Locale saved = Locale.getDefault();
        try {
            for (Locale l : new Locale[] {Locale.GERMANY, Locale.forLanguageTag("ar-EG-u-nu-arab"), Locale.forLanguageTag("hi-IN-u-nu-deva")}) {
                Locale.setDefault(l);
                assertEquals("0.52 1234 00ff", Fmt.format("%.2f %d %04x", 0.52, 1234, 255), l.toString());
                assertEquals("01:02:03", SysText.uptime(3723), l.toString());
            }
            Locale.setDefault(Locale.GERMANY); // what String.format would have printed
            assertEquals("0,52", String.format("%.2f", 0.52));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
