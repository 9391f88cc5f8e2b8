package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tuneledger.ml.BaseModel;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTokenizerTest {

    @Test
    void englishIsLowerCasedAndChineseSplitIntoCharacters() throws Exception {
        try (InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer(); TextTokenizer en = TextTokenizer.load(in, 64)) {
            assertArrayEquals(new String[] {"[CLS]", "urgent", "wire", "transfer", "[SEP]"},
                    en.tokens("URGENT Wire Transfer"));
        }
        try (InputStream in = BaseModel.BGE_SMALL_ZH_V15.openTokenizer(); TextTokenizer zh = TextTokenizer.load(in, 64)) {
            assertArrayEquals(new String[] {"[CLS]", "紧", "急", "电", "汇", "[SEP]"}, zh.tokens("紧急电汇"));
        }
    }

    @Test
    void longTextsAreTruncatedAndBatchesPaddedToTheLongest() throws Exception {
        try (InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer(); TextTokenizer t = TextTokenizer.load(in, 8)) {
            TokenBatch batch = t.batch(List.of("one two three four five six seven eight nine ten", "hi"));
            assertEquals(8, batch.length(), "truncated to the max length, special tokens included");
            assertEquals(102, batch.inputIds()[0][7], "the truncated sequence still ends with [SEP]");
            assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 0, 0}, batch.attentionMask()[1]);
            assertEquals(0, batch.inputIds()[1][5], "padding uses [PAD]");
            assertEquals(3 + 8, batch.tokens());
        }
    }
}
