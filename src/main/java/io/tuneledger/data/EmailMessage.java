package io.tuneledger.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;

/**
 * The readable text of a raw RFC 822 / MIME message, parsed by Apache James mime4j: the decoded subject, then the text
 * of its body parts. Header blocks are removed; quoted-printable and base64 transfer encodings, encoded words and the
 * declared charsets are decoded; multipart/alternative prefers text/plain; HTML parts become text; attachments
 * (non-text parts) are left out. What mime4j cannot know is decided here: the message arrives as text (a JSON or CSV
 * field), so its characters are turned back into the bytes they stood for, and a part without a usable charset is
 * read as UTF-8, else windows-1252. Malformed messages degrade to their best-effort text, never to an exception.
 */
public final class EmailMessage {

    private static final Pattern HEADER_LINE = Pattern.compile("^[!-9;-~]{1,76}:");
    private static final int MAX_DEPTH = 8;

    private EmailMessage() {
    }

    /**
     * Whether {@code text} starts like a message: an mbox "From " line or a header block whose first lines are
     * "Name: value" fields, ending at an empty line.
     */
    public static boolean looksLikeMessage(String text) {
        String s = text.startsWith("From ") ? text.substring(Math.max(0, text.indexOf('\n') + 1)) : text;
        int end = s.indexOf("\n\n");
        int crlfEnd = s.indexOf("\r\n\r\n");
        if (end < 0 && crlfEnd < 0) {
            return false;
        }
        String first = s.substring(0, Math.max(0, s.indexOf('\n')));
        if (!HEADER_LINE.matcher(first).find()) {
            return false;
        }
        // at least two header fields: a text that merely starts with "Note: ..." is not a message
        int fields = 0;
        for (String line : s.substring(0, end >= 0 ? end : crlfEnd).split("\r?\n", 64)) {
            if (HEADER_LINE.matcher(line).find()) {
                fields++;
            }
        }
        return fields >= 2;
    }

    /** "Subject" (decoded) on the first line when present, then the body text. */
    public static String toText(String raw) {
        String s = raw.replace("\r\n", "\n");
        if (s.startsWith("From ")) {
            int nl = s.indexOf('\n');
            s = nl < 0 ? "" : s.substring(nl + 1);
        }
        // Text that holds characters beyond Latin-1 was decoded already: its unencoded parts are UTF-8 as given.
        boolean decoded = s.chars().anyMatch(c -> c > 0xFF);
        byte[] bytes = s.getBytes(decoded ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Message message;
        try {
            DefaultMessageBuilder builder = new DefaultMessageBuilder();
            builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
            builder.setDecodeMonitor(DecodeMonitor.SILENT);
            message = builder.parseMessage(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            int body = s.indexOf("\n\n");
            return body < 0 ? s.strip() : s.substring(body + 2).strip();
        }
        try {
            String subject = message.getSubject() == null ? "" : message.getSubject().strip();
            String body = text(message, decoded, 0).strip();
            return subject.isEmpty() ? body : subject + "\n" + body;
        } finally {
            message.dispose();
        }
    }

    /** The text of an entity: its parts', its embedded message's, or its own when it is text and not attached. */
    private static String text(Entity entity, boolean decoded, int depth) {
        Body body = entity.getBody();
        if (body instanceof Multipart multipart && depth < MAX_DEPTH) {
            return multipartText(multipart, decoded, depth);
        }
        if (body instanceof Message message && depth < MAX_DEPTH) {
            return text(message, decoded, depth + 1);
        }
        String type = entity.getMimeType() == null ? "text/plain" : entity.getMimeType().toLowerCase(Locale.ROOT);
        String disposition = entity.getDispositionType();
        if (!type.startsWith("text/") || "attachment".equalsIgnoreCase(disposition)
                || !(body instanceof SingleBody single)) {
            return "";
        }
        String text = bodyText(entity, single, decoded);
        return type.equals("text/html") || HtmlText.looksLikeHtml(text) ? HtmlText.toText(text) : text;
    }

    private static String multipartText(Multipart multipart, boolean decoded, int depth) {
        List<Entity> parts = multipart.getBodyParts();
        if (parts.isEmpty()) {
            String all = (multipart.getPreamble() == null ? "" : multipart.getPreamble())
                    + (multipart.getEpilogue() == null ? "" : multipart.getEpilogue());
            return HtmlText.looksLikeHtml(all) ? HtmlText.toText(all) : all;
        }
        if ("alternative".equalsIgnoreCase(multipart.getSubType())) {
            Entity chosen = parts.stream().filter(p -> "text/plain".equalsIgnoreCase(p.getMimeType())).findFirst()
                    .orElse(parts.get(parts.size() - 1));
            return text(chosen, decoded, depth + 1);
        }
        StringBuilder out = new StringBuilder();
        for (Entity p : parts) {
            String t = text(p, decoded, depth + 1).strip();
            if (!t.isEmpty()) {
                if (!out.isEmpty()) {
                    out.append('\n');
                }
                out.append(t);
            }
        }
        return out.toString();
    }

    /**
     * A text part's characters: transfer-decoded bytes in the declared charset. A part sent without a transfer
     * encoding is left as it came when its charset is one the text arrived in (none, ASCII, Latin-1 or UTF-8, or the
     * message was decoded already), and decoded again in any other declared charset (ISO-2022-JP, KOI8-R, GB2312 sent
     * raw).
     */
    private static String bodyText(Entity entity, SingleBody body, boolean decoded) {
        byte[] bytes;
        try (InputStream in = body.getInputStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return "";
        }
        String charset = declaredCharset(entity);
        String encoding = entity.getContentTransferEncoding() == null ? ""
                : entity.getContentTransferEncoding().toLowerCase(Locale.ROOT);
        if (encoding.equals("base64") || encoding.equals("quoted-printable")) {
            return decode(bytes, charset);
        }
        if (decoded) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        String cs = charset == null ? "" : charset.strip().toLowerCase(Locale.ROOT);
        if (cs.isEmpty() || cs.equals("utf-8") || cs.equals("us-ascii") || cs.equals("iso-8859-1")
                || cs.equals("latin1")) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        return decode(bytes, charset);
    }

    /** The charset the part's Content-Type declares, or null. */
    private static String declaredCharset(Entity entity) {
        if (entity.getHeader() != null && entity.getHeader().getField("Content-Type") instanceof ContentTypeField ct) {
            String charset = ct.getCharset();
            return charset == null || charset.isBlank() ? null : charset;
        }
        return null;
    }

    /** Bytes in the declared charset; an unknown or missing charset is read as UTF-8, falling back to windows-1252. */
    static String decode(byte[] bytes, String charset) {
        Charset cs = null;
        if (charset != null) {
            try {
                cs = Charset.forName(charset.strip());
            } catch (RuntimeException e) {
                cs = null;
            }
        }
        if (cs == null) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                cs = Charset.forName("windows-1252");
            }
        }
        return new String(bytes, cs);
    }
}
