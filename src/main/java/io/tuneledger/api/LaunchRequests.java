package io.tuneledger.api;

import io.tuneledger.launch.LaunchException;
import io.tuneledger.launch.ParameterError;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code {"parameters": {...}}} request bodies: values may be strings, numbers or booleans. */
final class LaunchRequests {

    private LaunchRequests() {
    }

    static Map<String, String> parameters(JsonObject body) {
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

    /** Who is calling: the authenticated principal ({@link AuthenticationFilter} lets no other request through). */
    static String actor(SecurityContext security) {
        return security == null || security.getUserPrincipal() == null ? "unauthenticated"
                : security.getUserPrincipal().getName();
    }
}
