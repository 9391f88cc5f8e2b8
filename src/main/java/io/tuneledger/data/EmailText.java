package io.tuneledger.data;

import java.util.Locale;

/**
 * A first cut of e-mail cleaning: a raw RFC 822 message becomes its subject and body, without the header block, with
 * whitespace collapsed. (MIME decoding, HTML to text and PII redaction belong to the prepare-dataset cleaning rules.)
 */
public final class EmailText {

    private EmailText() {
    }

    /** "Subject: ..." line (when present) followed by the body; the whole text when there is no header block. */
    public static String subjectAndBody(String raw) {
        String text = raw.replace("\r\n", "\n");
        int split = text.indexOf("\n\n");
        if (split < 0) {
            return collapse(text);
        }
        String headers = text.substring(0, split);
        String body = text.substring(split + 2);
        String subject = "";
        for (String line : headers.split("\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("subject:")) {
                subject = line.substring("subject:".length()).strip();
                break;
            }
        }
        return collapse(subject.isEmpty() ? body : subject + "\n" + body);
    }

    private static String collapse(String s) {
        return s.replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll("\\n\\s*\\n+", "\n").strip();
    }
}
