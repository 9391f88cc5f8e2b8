package io.tuneledger.ml.djl;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A decoder's own tokenizer from its model directory: {@code tokenizer.json} through DJL's Hugging Face tokenizers
 * (nothing added, nothing truncated: a chat template or the caller places special tokens, and special tokens written
 * in the text are recognised as such), and from {@code tokenizer_config.json} the end-of-sequence token and the chat
 * template, when given.
 */
public final class DecoderTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final String eosToken;
    private final String chatTemplate;

    private DecoderTokenizer(HuggingFaceTokenizer tokenizer, String eosToken, String chatTemplate) {
        this.tokenizer = tokenizer;
        this.eosToken = eosToken;
        this.chatTemplate = chatTemplate;
    }

    /** Loads the tokenizer of a model directory; a missing tokenizer.json is an error naming the directory. */
    public static DecoderTokenizer load(Path modelDir) throws IOException {
        Path json = modelDir.resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            throw new IOException(modelDir + " has no tokenizer.json (the model's Hugging Face tokenizer)");
        }
        String eos = null;
        String template = null;
        Path config = modelDir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            JsonObject c;
            try (Reader in = Files.newBufferedReader(config); JsonReader r = Json.createReader(in)) {
                c = r.readObject();
            }
            eos = tokenText(c.get("eos_token"));
            template = c.containsKey("chat_template") && c.get("chat_template").getValueType()
                    == JsonValue.ValueType.STRING ? c.getString("chat_template") : null;
        }
        HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(json, Map.of("addSpecialTokens", "false",
                "truncation", "false", "padding", "false"));
        return new DecoderTokenizer(t, eos, template);
    }

    /** A special token as tokenizer_config.json gives it: a string, or an object with its content. */
    private static String tokenText(JsonValue v) {
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v.getValueType() == JsonValue.ValueType.STRING) {
            return ((jakarta.json.JsonString) v).getString();
        }
        if (v.getValueType() == JsonValue.ValueType.OBJECT && v.asJsonObject().containsKey("content")) {
            return v.asJsonObject().getString("content");
        }
        return null;
    }

    /** Token ids of a text; special tokens written in it become their ids. */
    public int[] encode(String text) {
        return Arrays.stream(tokenizer.encode(text, false, false).getIds()).mapToInt(Math::toIntExact).toArray();
    }

    /** The text of token ids; with {@code skipSpecial}, special tokens are left out. */
    public String decode(int[] ids, boolean skipSpecial) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), skipSpecial);
    }

    /** The id of a token of the vocabulary, or -1 when it is not one token. */
    public int tokenId(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        return ids.length == 1 ? Math.toIntExact(ids[0]) : -1;
    }

    /** The end-of-sequence token of tokenizer_config.json, or null. */
    public String eosToken() {
        return eosToken;
    }

    /** The Jinja chat template of tokenizer_config.json, or null when the model has none. */
    public String chatTemplate() {
        return chatTemplate;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
