package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.djl.TokenLengths;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The whole bundled sample through parsing and preparation: what an auditor would grep for is gone. */
class SampleCleaningTest {

    /** What a reviewer would search for: anything shaped like an address, or like a phone number. */
    static final Pattern EMAIL_LIKE = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    static final Pattern PHONE_LIKE = Pattern.compile("\\(?\\b[0-9]{3}\\)?[ .-][0-9]{3}[ .-][0-9]{4}\\b");

    static final Pattern HEADER_LINE = Pattern.compile("\\A(From |Return-Path:|Received:|Delivered-To:)");

    @Test
    void everySampleMailIsCleanedWithoutPersonalData() throws Exception {
        List<PreparedRecord> prepared = new ArrayList<>();
        long quarantined = 0;
        try (InputStream in = BaseModel.ALL_MINILM_L6_V2.openTokenizer(); TokenLengths tokens = TokenLengths.load(in);
                JsonlRecordSource source = JsonlRecordSource.open(Path.of("samples/spamassassin-sample.jsonl"),
                        FieldMapping.DEFAULT, null, 1 << 20)) {
            RecordPreparer p = new RecordPreparer(new TextCleaner(EnumSet.allOf(CleaningRule.class)), true,
                    Set.of("ham", "spam"), BlockedTerms.none(), tokens, 512, RecordPreparer.LengthPolicy.TRUNCATE);
            IngestOutcome o;
            while ((o = source.next()) != null) {
                IngestOutcome r = p.prepare(o);
                if (r instanceof IngestOutcome.Prepared ok) {
                    prepared.add(ok.record());
                } else {
                    quarantined++;
                }
            }
        }
        assertEquals(700, prepared.size() + quarantined);
        assertTrue(prepared.size() >= 690, "prepared " + prepared.size());
        long redacted = 0;
        for (PreparedRecord r : prepared) {
            assertTrue(!EMAIL_LIKE.matcher(r.text()).find(), r.id() + ": " + r.text());
            assertTrue(!PHONE_LIKE.matcher(r.text()).find(), r.id() + ": " + r.text());
            assertTrue(!HEADER_LINE.matcher(r.text()).find(), r.id() + " starts with its header block");
            assertTrue(r.tokens() > 2);
            redacted += r.redactions().values().stream().mapToInt(Integer::intValue).sum();
        }
        assertTrue(redacted > 100, "redactions " + redacted);
    }
}
