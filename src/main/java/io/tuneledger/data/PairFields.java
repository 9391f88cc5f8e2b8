package io.tuneledger.data;

import java.util.Objects;

/**
 * Which input fields hold a retrieval pair: the query, the text of the document that answers it, optionally that
 * document's id (without one, the id is derived from the text, so that questions sharing an answer share its
 * document), and optionally the text of a hard negative (a document that looks relevant but does not answer).
 * For task=generation, the prompt and the response; or {@code messagesField}, one field holding a whole conversation
 * (a JSON array of role and content messages, {@link io.tuneledger.ml.Conversation}) whose last message is the
 * response ({@code null} otherwise).
 */
public record PairFields(String queryField, String positiveField, String positiveIdField, String negativeField,
        String messagesField) {

    public static final PairFields DEFAULT = new PairFields("query", "positive", null, null);

    public PairFields(String queryField, String positiveField, String positiveIdField, String negativeField) {
        this(queryField, positiveField, positiveIdField, negativeField, null);
    }

    /**
     * A prompt and its response (task=generation), read as a pair: the prompt as its query, the response as its
     * answer, no hard negative.
     */
    public static PairFields generation(String promptField, String responseField) {
        return new PairFields(promptField, responseField, null, null);
    }

    /** A conversation in one field (task=generation): the messages before the last the prompt, the last the answer. */
    public static PairFields conversation(String messagesField) {
        return new PairFields(messagesField, messagesField, null, null, messagesField);
    }

    public PairFields {
        Objects.requireNonNull(queryField, "queryField");
        Objects.requireNonNull(positiveField, "positiveField");
    }
}
