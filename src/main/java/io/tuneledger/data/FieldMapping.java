package io.tuneledger.data;

import java.util.Objects;

/**
 * Which input fields hold the record id, the text and the label ({@code null} label field: unlabelled input); for
 * retrieval input, {@code pairs} names the fields of the pair instead of text and label ({@code null} otherwise).
 */
public record FieldMapping(String idField, String textField, String labelField, PairFields pairs) {

    public static final FieldMapping DEFAULT = new FieldMapping("id", "text", "label");

    public FieldMapping {
        Objects.requireNonNull(idField, "idField");
        Objects.requireNonNull(textField, "textField");
    }

    public FieldMapping(String idField, String textField, String labelField) {
        this(idField, textField, labelField, null);
    }

    /** Retrieval input: the record id and the pair's fields. */
    public static FieldMapping pairs(String idField, PairFields pairs) {
        return new FieldMapping(idField, pairs.queryField(), null, Objects.requireNonNull(pairs, "pairs"));
    }

    /**
     * The field whose value is handed over as JSON text when it is an array or object (a conversation's messages),
     * or {@code null}: every other field must be a string or a number, so a text field holding an array stays a
     * record without text.
     */
    public String structuredField() {
        return pairs == null ? null : pairs.messagesField();
    }

    /** Input to be scored: id and text only; any label field is ignored. */
    public static FieldMapping unlabelled(String idField, String textField) {
        return new FieldMapping(idField, textField, null, null);
    }
}
