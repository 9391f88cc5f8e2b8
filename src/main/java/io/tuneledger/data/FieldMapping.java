package io.tuneledger.data;

import java.util.Objects;

/** Which input fields hold the record id, the text and the label ({@code null} label field: unlabelled input). */
public record FieldMapping(String idField, String textField, String labelField) {

    public static final FieldMapping DEFAULT = new FieldMapping("id", "text", "label");

    public FieldMapping {
        Objects.requireNonNull(idField, "idField");
        Objects.requireNonNull(textField, "textField");
    }

    /** Input to be scored: id and text only; any label field is ignored. */
    public static FieldMapping unlabelled(String idField, String textField) {
        return new FieldMapping(idField, textField, null);
    }
}
