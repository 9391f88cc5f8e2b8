package io.tuneledger.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The readable text of a raw RFC 822 / MIME message: the decoded subject, then the text of its body parts. Header
 * blocks are removed; quoted-printable and base64 transfer encodings and the declared charsets are decoded;
 * multipart/alternative prefers text/plain; HTML parts become text; attachments (non-text parts) are left out.
 * Malformed messages degrade to their best-effort text, never to an exception.
 */
public final class EmailMessage {

    private static final Pattern HEADER_LINE = Pattern.compile("^[!-9;-~]{1,76}:");
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");
    private static final Pattern PARAM = Pattern.compile(";\\s*([A-Za-z0-9_*.-]+)\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^;\\s]+)");
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
        Part message = Part.parse(s);
        String subject = decodeHeader(message.headers.getOrDefault("subject", "")).strip();
        String body = message.text(0).strip();
        return subject.isEmpty() ? body : subject + "\n" + body;
    }

    /** Decodes RFC 2047 encoded words ({@code =?charset?B|Q?...?=}); adjacent encoded words join without a space. */
    public static String decodeHeader(String value) {
        if (!value.contains("=?")) {
            return value;
        }
        Matcher m = ENCODED_WORD.matcher(value);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            String between = value.substring(last, m.start());
            if (!(last > 0 && between.isBlank())) {
                out.append(between);
            }
            byte[] bytes = m.group(2).equalsIgnoreCase("B")
                    ? base64(m.group(3))
                    : quotedPrintable(m.group(3).replace('_', ' '));
            out.append(decode(bytes, m.group(1)));
            last = m.end();
        }
        out.append(value.substring(last));
        return out.toString();
    }

    /** One MIME entity: its headers (names lower case, first occurrence, unfolded) and its raw body. */
    private static final class Part {
        final Map<String, String> headers;
        final String body;

        private Part(Map<String, String> headers, String body) {
            this.headers = headers;
            this.body = body;
        }

        static Part parse(String s) {
            int end = s.startsWith("\n") ? 0 : s.indexOf("\n\n");
            String head = end < 0 ? s : s.substring(0, end);
            String body = end < 0 ? "" : s.substring(end + (s.startsWith("\n") ? 1 : 2));
            Map<String, String> headers = new LinkedHashMap<>();
            String name = null;
            StringBuilder value = new StringBuilder();
            for (String line : head.split("\n")) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                    value.append(' ').append(line.strip());
                    continue;
                }
                if (name != null) {
                    headers.putIfAbsent(name, value.toString());
                }
                int colon = line.indexOf(':');
                if (colon > 0 && HEADER_LINE.matcher(line).find()) {
                    name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    value = new StringBuilder(line.substring(colon + 1).strip());
                } else {
                    name = null;
                }
            }
            if (name != null) {
                headers.putIfAbsent(name, value.toString());
            }
            return new Part(headers, body);
        }

        String mimeType() {
            String ct = headers.get("content-type");
            if (ct == null) {
                return "text/plain";
            }
            int semi = ct.indexOf(';');
            return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        }

        String param(String name) {
            String ct = headers.getOrDefault("content-type", "");
            Matcher m = PARAM.matcher(ct);
            while (m.find()) {
                if (m.group(1).equalsIgnoreCase(name)) {
                    String v = m.group(2);
                    return v.startsWith("\"") ? v.substring(1, v.length() - 1).replace("\\\"", "\"") : v;
                }
            }
            return null;
        }

        boolean isAttachment() {
            return headers.getOrDefault("content-disposition", "").strip().toLowerCase(Locale.ROOT)
                    .startsWith("attachment");
        }

        String text(int depth) {
            String type = mimeType();
            if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
                String boundary = param("boundary");
                if (boundary != null && !boundary.isEmpty()) {
                    return multipartText(type, boundary, depth);
                }
            }
            if (type.equals("message/rfc822") && depth < MAX_DEPTH) {
                return Part.parse(body).text(depth + 1);
            }
            if (!type.startsWith("text/") || isAttachment()) {
                return "";
            }
            String decoded = decodedBody();
            return type.equals("text/html") || HtmlText.looksLikeHtml(decoded) ? HtmlText.toText(decoded) : decoded;
        }

        private String multipartText(String type, String boundary, int depth) {
            List<Part> parts = new ArrayList<>();
            String delimiter = "--" + boundary;
            StringBuilder current = null;
            for (String line : body.split("\n", -1)) {
                String trimmed = line.stripTrailing();
                if (trimmed.equals(delimiter) || trimmed.equals(delimiter + "--")) {
                    if (current != null) {
                        parts.add(Part.parse(current.toString()));
                    }
                    if (trimmed.endsWith("--") && trimmed.length() == delimiter.length() + 2) {
                        current = null;
                        break;
                    }
                    current = new StringBuilder();
                } else if (current != null) {
                    current.append(line).append('\n');
                }
            }
            if (current != null && !current.isEmpty()) {
                parts.add(Part.parse(current.toString()));
            }
            if (parts.isEmpty()) {
                return HtmlText.looksLikeHtml(body) ? HtmlText.toText(body) : body;
            }
            if (type.equals("multipart/alternative")) {
                Part chosen = parts.stream().filter(p -> p.mimeType().equals("text/plain")).findFirst()
                        .orElse(parts.get(parts.size() - 1));
                return chosen.text(depth + 1);
            }
            StringBuilder out = new StringBuilder();
            for (Part p : parts) {
                String t = p.text(depth + 1).strip();
                if (!t.isEmpty()) {
                    if (!out.isEmpty()) {
                        out.append('\n');
                    }
                    out.append(t);
                }
            }
            return out.toString();
        }

        private String decodedBody() {
            String encoding = headers.getOrDefault("content-transfer-encoding", "").strip().toLowerCase(Locale.ROOT);
            String charset = param("charset");
            return switch (encoding) {
                case "base64" -> decode(base64(body), charset);
                case "quoted-printable" -> decode(quotedPrintable(body), charset);
                default -> reinterpret(body, charset);
            };
        }
    }

    /**
     * A 7bit or 8bit body whose characters were read as single bytes, in a declared charset other than UTF-8 or ASCII
     * (ISO-2022-JP, KOI8-R, GB2312 sent raw): decoded again in that charset.
     */
    private static String reinterpret(String body, String charset) {
        if (charset == null) {
            return body;
        }
        String cs = charset.strip().toLowerCase(Locale.ROOT);
        if (cs.equals("utf-8") || cs.equals("us-ascii") || cs.equals("iso-8859-1") || cs.equals("latin1")) {
            return body;
        }
        for (int i = 0; i < body.length(); i++) {
            if (body.charAt(i) > 0xFF) {
                return body;
            }
        }
        return decode(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), charset);
    }

    /** Base64 decoding that skips line breaks and stray characters (MIME's rules). */
    static byte[] base64(String s) {
        StringBuilder clean = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                clean.append(c);
            }
        }
        switch (clean.length() % 4) {
            case 1 -> clean.setLength(clean.length() - 1);
            case 2 -> clean.append("==");
            case 3 -> clean.append('=');
            default -> { }
        }
        try {
            return Base64.getDecoder().decode(clean.toString());
        } catch (IllegalArgumentException e) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /** Quoted-printable decoding; soft line breaks removed, malformed escapes kept literally. */
    static byte[] quotedPrintable(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                    continue;
                }
                if (i + 2 < s.length() && s.charAt(i + 1) == '\r' && s.charAt(i + 2) == '\n') {
                    i += 2;
                    continue;
                }
                if (i + 2 < s.length()) {
                    int hi = Character.digit(s.charAt(i + 1), 16);
                    int lo = Character.digit(s.charAt(i + 2), 16);
                    if (hi >= 0 && lo >= 0) {
                        out.write(hi * 16 + lo);
                        i += 2;
                        continue;
                    }
                }
                out.write('=');
            } else if (c < 256) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
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
