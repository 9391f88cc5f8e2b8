package io.tuneledger.api;

import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.ParameterError;
import jakarta.json.Json;
import jakarta.json.JsonConfig;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.SecurityContext;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code {"parameters": {...}}} request bodies: values may be strings, numbers or booleans. The body is parsed
 * here rather than by the JAX-RS provider, so that every way it can be wrong is a 400 naming what is wrong: malformed
 * or too deeply nested JSON ({@code body}), a field other than {@code parameters}, a parameter given twice.
 */
final class LaunchRequests {

    /** The largest body read, in characters: a launch request is a few parameters (the filter refuses larger ones). */
    static final int MAX_BODY = 64 * 1024;

    /** Deeper than this is not a launch request (parameters are one object of scalars). */
    private static final int MAX_DEPTH = 16;

    /** A name given twice is refused rather than one of its values silently winning. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of(
            JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE,
            "org.eclipse.parsson.maxDepth", MAX_DEPTH));

    private LaunchRequests() {
    }

    /** The parameters of a request body; an absent or blank body has none. */
    static Map<String, String> parameters(String body) {
        if (body == null || body.isBlank()) {
            return new LinkedHashMap<>();
        }
        if (body.length() > MAX_BODY) {
            throw invalid("body", "is " + body.length() + " characters; a launch request has at most " + MAX_BODY);
        }
        JsonValue value;
        try (JsonReader reader = READERS.createReader(new StringReader(body))) {
            value = reader.readValue();
        } catch (RuntimeException e) {
            // JsonException for malformed JSON; Parsson throws a bare RuntimeException for too deep a nesting
            throw invalid("body", "is not valid JSON: " + parserMessage(e));
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw invalid("body", "must be a JSON object {\"parameters\": {...}}");
        }
        for (String field : value.asJsonObject().keySet()) {
            if (!field.equals("parameters")) {
                throw invalid(shortened(field), "unknown field: the body has only \"parameters\"");
            }
        }
        return parameters(value.asJsonObject());
    }

    private static Map<String, String> parameters(JsonObject body) {
        Map<String, String> result = new LinkedHashMap<>();
        if (body == null || !body.containsKey("parameters") || body.isNull("parameters")) {
            return result;
        }
        JsonValue params = body.get("parameters");
        if (params.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new LaunchException.InvalidParameters(
                    List.of(new ParameterError("parameters", "must be a JSON object of name: value")));
        }
        for (Map.Entry<String, JsonValue> e : params.asJsonObject().entrySet()) {
            JsonValue v = e.getValue();
            switch (v.getValueType()) {
                case STRING -> result.put(e.getKey(), ((JsonString) v).getString());
                case NUMBER, TRUE, FALSE -> result.put(e.getKey(), v.toString());
                case NULL -> { }
                default -> throw new LaunchException.InvalidParameters(
                        List.of(new ParameterError(e.getKey(), "must be a string, number or boolean")));
            }
        }
        return result;
    }

    private static LaunchException.InvalidParameters invalid(String parameter, String message) {
        return new LaunchException.InvalidParameters(List.of(new ParameterError(parameter, message)));
    }

    /** The parser's message without control characters and at most 200 characters long. */
    private static String parserMessage(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return shortened(message.replaceAll("\\p{Cntrl}", " "));
    }

    /** A name as it may be echoed in an error: no control characters, at most 200 characters. */
    static String shortened(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 200 ? clean : clean.substring(0, 200) + "...";
    }

    /** Who is calling: the authenticated principal ({@link AuthenticationFilter} lets no other request through). */
    static String actor(SecurityContext security) {
        return security == null || security.getUserPrincipal() == null ? "unauthenticated"
                : security.getUserPrincipal().getName();
    }
}
