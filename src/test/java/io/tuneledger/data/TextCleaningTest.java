package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class TextCleaningTest {

    private final TextCleaner all = new TextCleaner(EnumSet.allOf(CleaningRule.class));

    @Test
    void htmlBecomesTextWithBlocksOnTheirOwnLines() {
        String html = "<html><head><title>x</title><style>p{color:red}</style></head><body><p>Hello&nbsp;<b>world</b>"
                + "</p><script>alert(1)</script><div>Caf&eacute; &amp; more &#8364;5 &#x4E2D;</div><!-- hidden --></body>";
        String text = all.clean(html);
        assertEquals("Hello world\nCafé & more €5 中", text);
    }

    @Test
    void mimeMessageDecodedWithoutHeaders() {
        String raw = "From someone@example.com  Mon Jan  1 00:00:00 2002\n"
                + "Return-Path: <a@example.com>\n"
                + "Subject: =?utf-8?B?w4ljb25vbWll?= =?iso-8859-1?Q?_caf=E9?=\n"
                + "Content-Type: multipart/alternative;\n boundary=\"XYZ\"\n"
                + "\n"
                + "preamble\n"
                + "--XYZ\n"
                + "Content-Type: text/plain; charset=iso-8859-1\n"
                + "Content-Transfer-Encoding: quoted-printable\n"
                + "\n"
                + "Prix sp=E9cial: tr=E8s =\nbon march=E9\n"
                + "--XYZ\n"
                + "Content-Type: text/html\n"
                + "\n"
                + "<p>html version</p>\n"
                + "--XYZ--\n";
        String text = all.clean(raw);
        assertEquals("Économie café\nPrix spécial: très bon marché", text);
        assertFalse(text.contains("Return-Path"));
    }

    @Test
    void base64HtmlPartAndAttachmentsDropped() {
        String body = java.util.Base64.getMimeEncoder().encodeToString(
                "<html><body>Win <b>money</b> now</body></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String raw = "Subject: offer\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b1\n\n"
                + "--b1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + body + "\n"
                + "--b1\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=x.exe\n"
                + "Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA\n--b1--\n";
        assertEquals("offer\nWin money now", all.clean(raw));
    }

    @Test
    void textThatIsNotAMessageKeepsItsFirstLine() {
        assertTrue(!EmailMessage.looksLikeMessage("Note: call me\n\nthanks"));
        assertEquals("Note: call me\nthanks", all.clean("Note: call me\n\nthanks"));
    }

    @Test
    void nfkcControlAndWhitespace() {
        String text = "ＡＢＣ１２３，\u200B全角\u0007  text\t\tmore\r\n\r\n\r\nnext\uFEFF line ";
        assertEquals("ABC123,全角 text more\nnext line", all.clean(text));
    }

    @Test
    void rulesAreSwitchable() {
        TextCleaner none = new TextCleaner(CleaningRule.parse("none"));
        assertEquals("<p>ＡＢ</p>", none.clean("<p>ＡＢ</p>"));
        TextCleaner nfkcOnly = new TextCleaner(CleaningRule.parse("nfkc"));
        assertEquals("<p>AB</p>", nfkcOnly.clean("<p>ＡＢ</p>"));
    }
}
