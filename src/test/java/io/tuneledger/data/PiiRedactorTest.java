package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PiiRedactorTest {

    private static String redact(String s) {
        return PiiRedactor.redact(s).text();
    }

    @Test
    void emailAddressesIncludingLocalHosts() {
        assertEquals("write to [EMAIL] or <[EMAIL]>", redact("write to john.doe+x@mail.example.co.uk or <zzzz@localhost>"));
    }

    @Test
    void cardsOnlyWhenTheLuhnCheckHolds() {
        assertEquals("card [CARD] ok", redact("card 4111 1111 1111 1111 ok"));
        assertEquals("card [CARD] ok", redact("card 5500-0000-0000-0004 ok"));
        assertEquals("order 4111 1111 1111 1112 ok", redact("order 4111 1111 1111 1112 ok"));
    }

    @Test
    void ibanOnlyWhenMod97Holds() {
        assertEquals("pay to [IBAN].", redact("pay to DE89 3704 0044 0532 0130 00."));
        assertEquals("pay to [IBAN]", redact("pay to GB82WEST12345698765432"));
        assertEquals("pay to GB83WEST12345698765432", redact("pay to GB83WEST12345698765432"));
    }

    @Test
    void chineseIdNumbersOnlyWithAValidCheckCharacter() {
        assertEquals("身份证号[CN_ID]。", redact("身份证号11010519491231002X。"));
        assertEquals("身份证号110105194912310021。", redact("身份证号110105194912310021。"));
    }

    @Test
    void chinesePhoneNumbers() {
        assertEquals("电话[CN_PHONE]或[CN_PHONE]", redact("电话13812345678或+86 139-1234-5678"));
    }

    @Test
    void ipAddressesAndPhoneNumbers() {
        assertEquals("from [IP] via [IP]", redact("from 66.187.233.211 via 2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
        assertEquals("call [PHONE] or [PHONE] or [PHONE]",
                redact("call (555) 123-4567 or +44 20 7946 0958 or 555.123.4567"));
    }

    @Test
    void datesTimesVersionsAndSmallNumbersSurvive() {
        String s = "On 2002-08-22 at 07:36:16, version 8.11.6, 3 items for 19.99, zip 10001, ids 1.2.3";
        assertEquals(s, redact(s));
    }

    @Test
    void countsPerKind() {
        PiiRedactor.Result r = PiiRedactor.redact("a@b.com c@d.org 13812345678");
        assertEquals(Map.of(PiiRedactor.Kind.EMAIL, 2, PiiRedactor.Kind.CN_PHONE, 1), r.counts());
        assertEquals(3, r.total());
    }

    @Test
    void fullWidthDigitsAreRedactedAfterNfkc() {
        TextCleaner cleaner = new TextCleaner(EnumSet.of(CleaningRule.NFKC));
        String text = cleaner.clean("手机：１３８１２３４５６７８，邮箱：ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ");
        String redacted = redact(text);
        assertEquals("手机:[CN_PHONE],邮箱:[EMAIL]", redacted);
        assertFalse(redacted.matches(".*[0-9]{7,}.*"));
        assertTrue(PiiRedactor.validChineseId("11010519491231002X"));
    }
}
