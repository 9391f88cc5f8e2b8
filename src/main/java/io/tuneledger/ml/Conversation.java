package io.tuneledger.ml;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A chat conversation as instruction data holds it (task=generation with {@code messages.field}): messages with a role
 * ({@value #SYSTEM}, {@value #USER} or {@value #ASSISTANT}) and a text, in the layout of the OpenAI and Hugging Face
 * chat formats: {@code [{"role":"system","content":"..."},{"role":"user","content":"..."},
 * {"role":"assistant","content":"..."}]}. As a training record, the last message is the assistant's response the
 * model learns; the messages before it are the prompt, rendered through the model's chat template.
 */
public record Conversation(List<Message> messages) {

    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";
    private static final Set<String> ROLES = Set.of(SYSTEM, USER, ASSISTANT);

    /** One message: who speaks and what. */
    public record Message(String role, String content) {
        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    public Conversation {
        messages = List.copyOf(messages);
    }

    /**
     * A conversation from its JSON text: an array of objects, each with a {@code role} of system, user or assistant
     * and a string {@code content} (other members are ignored). An {@link IllegalArgumentException} says what is
     * wrong, naming the message by its position (from 1).
     */
    public static Conversation parse(String json) {
        JsonValue value;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("not a JSON array of messages");
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new IllegalArgumentException("expected a JSON array of messages, found "
                    + value.getValueType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return of(value.asJsonArray());
    }

    /** A conversation from a JSON array, checked as {@link #parse} checks it. */
    public static Conversation of(JsonArray array) {
        List<Message> messages = new ArrayList<>();
        for (JsonValue v : array) {
            int n = messages.size() + 1;
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new IllegalArgumentException("message " + n + " is not an object with role and content");
            }
            JsonObject o = v.asJsonObject();
            String role = o.get("role") instanceof JsonString s ? s.getString() : null;
            if (role == null || !ROLES.contains(role)) {
                throw new IllegalArgumentException("message " + n + " has role " + (role == null ? "(none)" : "'"
                        + role + "'") + "; expected system, user or assistant");
            }
            if (!(o.get("content") instanceof JsonString content)) {
                throw new IllegalArgumentException("message " + n + " (" + role + ") has no text content");
            }
            messages.add(new Message(role, content.getString()));
        }
        return new Conversation(messages);
    }

    /**
     * Checks that the conversation can be a training record: a system message only first, at least one user message,
     * and the assistant's response last; an {@link IllegalArgumentException} says which rule it breaks.
     */
    public Conversation checkedAsRecord() {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("the conversation has no messages");
        }
        for (int i = 1; i < messages.size(); i++) {
            if (messages.get(i).role().equals(SYSTEM)) {
                throw new IllegalArgumentException("message " + (i + 1) + " is a system message; only the first"
                        + " message may be one");
            }
        }
        if (!messages.get(messages.size() - 1).role().equals(ASSISTANT)) {
            throw new IllegalArgumentException("the last message is the " + messages.get(messages.size() - 1).role()
                    + "'s; it must be the assistant's response the model learns");
        }
        if (messages.stream().noneMatch(m -> m.role().equals(USER))) {
            throw new IllegalArgumentException("the conversation has no user message");
        }
        return this;
    }

    /** The messages before the last: what the model is given. */
    public Conversation prompt() {
        return new Conversation(messages.subList(0, messages.size() - 1));
    }

    /** The last message's text: what the model learns to answer. */
    public String response() {
        return messages.get(messages.size() - 1).content();
    }

    /**
     * The conversation as a person reads it, and as de-duplication and the grouped split compare it: one
     * {@code role: text} line per message.
     */
    public String text() {
        return messages.stream().map(m -> m.role() + ": " + m.content()).collect(Collectors.joining("\n"));
    }

    /** The messages as a chat template reads them. */
    public List<Map<String, Object>> forTemplate() {
        return messages.stream().<Map<String, Object>>map(m -> Map.of("role", m.role(), "content", m.content()))
                .toList();
    }

    /** {@code [{"role","content"}...]}. */
    public JsonArray toJson() {
        JsonArrayBuilder b = Json.createArrayBuilder();
        messages.forEach(m -> b.add(Json.createObjectBuilder().add("role", m.role()).add("content", m.content())));
        return b.build();
    }
}
