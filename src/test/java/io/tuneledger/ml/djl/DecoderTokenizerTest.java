package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.ChatTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder's own tokenizer and chat template from its model directory (the tiny Qwen2-shaped model's byte-level BPE
 * and ChatML template, written by bench/decoder_reference.py): the rendered chat becomes ids with each special token
 * one id, and the ids decode back to the same text, in English and Chinese.
 */
class DecoderTokenizerTest {

    @Test
    void chatTemplateTextEncodesAndDecodesExactly(@TempDir Path empty) throws Exception {
        try (DecoderTokenizer tokenizer = DecoderTokenizer.load(DecoderParityTest.GOLDEN
                .resolve("qwen2-mqa-tied-fp16"))) {
            assertEquals("<|im_end|>", tokenizer.eosToken());
            String chat = ChatTemplate.parse(tokenizer.chatTemplate()).render(List.of(
                    Map.of("role", "user", "content", "Is the claim open? 理赔开着吗？")), true, Map.of());
            assertEquals("<|im_start|>user\nIs the claim open? 理赔开着吗？<|im_end|>\n<|im_start|>assistant\n", chat);
            int[] ids = tokenizer.encode(chat);
            assertEquals(1, ids[0]);
            assertEquals(2, tokenizer.tokenId("<|im_end|>"));
            assertEquals(1, Arrays.stream(ids).filter(i -> i == 2).count());
            // Merges apply: " the" is fewer tokens than its four bytes.
            assertTrue(tokenizer.encode(" the").length < 4, Arrays.toString(tokenizer.encode(" the")));
            assertEquals(chat, tokenizer.decode(ids, false));
            assertEquals("user\nIs the claim open? 理赔开着吗？\nassistant\n", tokenizer.decode(ids, true));
        }
        IOException missing = assertThrows(IOException.class, () -> DecoderTokenizer.load(empty));
        assertTrue(missing.getMessage().contains("has no tokenizer.json"), missing.getMessage());
    }
}
