package io.tuneledger.audit;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * One text for one JSON value, so that a hash over it can be recomputed: object members sorted by name (UTF-16 code
 * units), no whitespace, strings with only the escapes JSON requires, numbers in plain decimal notation without
 * trailing zeros (100, not 1e2 or 100.0; 2.5, not 2.50). Close to RFC 8785 for the values the ledger records.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String of(JsonValue value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(JsonValue value, StringBuilder out) {
        switch (value.getValueType()) {
            case OBJECT -> {
                JsonObject o = value.asJsonObject();
                List<String> names = new ArrayList<>(o.keySet());
                names.sort(null);
                out.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(names.get(i), out);
                    out.append(':');
                    write(o.get(names.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                JsonArray a = value.asJsonArray();
                out.append('[');
                for (int i = 0; i < a.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(a.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(((JsonString) value).getString(), out);
            case NUMBER -> {
                java.math.BigDecimal n = ((JsonNumber) value).bigDecimalValue().stripTrailingZeros();
                out.append(n.scale() <= 0 ? n.toBigIntegerExact().toString() : n.toPlainString());
            }
            case TRUE -> out.append("true");
            case FALSE -> out.append("false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("Unknown JSON value type " + value.getValueType());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
