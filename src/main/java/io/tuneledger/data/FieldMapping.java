package io.tuneledger.data;

import java.util.Objects;

/** Which input fields hold the record id, the text and the label. */
public record FieldMapping(String idField, String textField, String labelField) {

    public static final FieldMapping DEFAULT = new FieldMapping("id", "text", "label");

    public FieldMapping {
        Objects.requireNonNull(idField, "idField");
        Objects.requireNonNull(textField, "textField");
        Objects.requireNonNull(labelField, "labelField");
    }
}
