package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.TokenCounter;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.djl.TokenLengths;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cleaning, label check, blocked terms, redaction and the token-length filter on the real tokenizers. */
class RecordPreparationTest {

    static TokenLengths english;
    static TokenLengths chinese;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream en = BaseModel.ALL_MINILM_L6_V2.openTokenizer();
                InputStream zh = BaseModel.BGE_SMALL_ZH_V15.openTokenizer()) {
            english = TokenLengths.load(en);
            chinese = TokenLengths.load(zh);
        }
    }

    @AfterAll
    static void close() {
        english.close();
        chinese.close();
    }

    private static RecordPreparer preparer(TokenCounter tokens, int max, RecordPreparer.LengthPolicy policy,
            Set<String> labels, BlockedTerms blocked) {
        return new RecordPreparer(new TextCleaner(EnumSet.allOf(CleaningRule.class)), true, labels, blocked, tokens,
                max, policy);
    }

    private static IngestOutcome accepted(String text, String label) {
        return new IngestOutcome.Accepted(new SourceRecord("r1", text, label, 7));
    }

    @Test
    void tokenCountsAndTruncationAtTokenBoundaries() {
        assertEquals(2, english.count(""));
        assertEquals(5, english.count("hello big world"));
        String cut = english.truncate("hello big wonderful world of tokens", 5);
        assertEquals("hello big wonderful", cut);
        assertTrue(english.count(cut) <= 5);
        // Chinese: one token a character
        assertEquals(2 + 6, chinese.count("我们的数据集"));
        assertEquals("我们的", chinese.truncate("我们的数据集", 5));
    }

    @Test
    void preparedRecordIsCleanRedactedAndCounted() {
        IngestOutcome out = preparer(english, 512, RecordPreparer.LengthPolicy.TRUNCATE, Set.of(), BlockedTerms.none())
                .prepare(accepted("<p>Mail <b>me</b> at jo@example.com</p>", "ham"));
        PreparedRecord r = ((IngestOutcome.Prepared) out).record();
        assertEquals("Mail me at [EMAIL]", r.text());
        assertEquals(Map.of(PiiRedactor.Kind.EMAIL, 1), r.redactions());
        assertEquals(english.count("Mail me at [EMAIL]"), r.tokens());
        assertFalse(r.truncated());
        assertEquals(7, r.lineNumber());
    }

    @Test
    void longTextsAreTruncatedOrRejectedByPolicy() {
        String text = "word ".repeat(100);
        IngestOutcome t = preparer(english, 20, RecordPreparer.LengthPolicy.TRUNCATE, Set.of(), BlockedTerms.none())
                .prepare(accepted(text, "ham"));
        PreparedRecord r = ((IngestOutcome.Prepared) t).record();
        assertTrue(r.truncated());
        assertEquals(20, r.tokens());
        assertEquals(20, english.count(r.text()));
        IngestOutcome q = preparer(english, 20, RecordPreparer.LengthPolicy.REJECT, Set.of(), BlockedTerms.none())
                .prepare(accepted(text, "ham"));
        assertEquals(QuarantineReason.TOO_LONG, ((IngestOutcome.Quarantined) q).reason());
    }

    /** The shortcut for long texts (a prefix first) gives exactly what processing the whole text gives. */
    @Test
    void theLongTextShortcutChangesNothing() throws Exception {
        RecordPreparer p = preparer(english, 64, RecordPreparer.LengthPolicy.TRUNCATE, Set.of(), BlockedTerms.none());
        List<String> texts = List.of("mail a@b.com now ".repeat(300),
                "call +44 20 7946 0958 please ".repeat(120) + "x".repeat(3000),
                ("y".repeat(99) + " ").repeat(40) + "ann@example.org " + "word ".repeat(500),
                ("x".repeat(150) + " ").repeat(15) + "call +44 20 7946 0958");
        for (String text : texts) {
            PreparedRecord fast = ((IngestOutcome.Prepared) p.prepare(accepted(text, "ham"))).record();
            PiiRedactor.Result whole = PiiRedactor.redact(new TextCleaner(EnumSet.allOf(CleaningRule.class)).clean(text));
            String expected = english.truncate(whole.text(), 64);
            assertEquals(expected, fast.text());
            assertEquals(english.count(expected), fast.tokens());
        }
    }

    @Test
    void longTextsAreRedactedAndCountedOnAPrefixUnlessItIsTooShort() {
        RecordPreparer p = preparer(english, 20, RecordPreparer.LengthPolicy.TRUNCATE, Set.of(), BlockedTerms.none());
        String longText = "mail a@b.com now ".repeat(200);
        PreparedRecord r = ((IngestOutcome.Prepared) p.prepare(accepted(longText, "ham"))).record();
        assertTrue(r.truncated());
        assertEquals(20, english.count(r.text()));
        assertTrue(r.text().startsWith("mail [EMAIL] now mail [EMAIL]"), r.text());
        assertEquals(Map.of(PiiRedactor.Kind.EMAIL, (int) r.text().split("\\[EMAIL\\]", -1).length - 1), r.redactions(),
                "redactions are counted in the stored text");
        // words longer than the tokenizer's word limit are one [UNK] token each: the prefix holds too few tokens,
        // so the whole text is processed and nothing is cut
        String unknownWords = ("x".repeat(150) + " ").repeat(15) + "call +44 20 7946 0958";
        PreparedRecord u = ((IngestOutcome.Prepared) preparer(english, 30, RecordPreparer.LengthPolicy.TRUNCATE, Set.of(),
                BlockedTerms.none()).prepare(accepted(unknownWords, "ham"))).record();
        assertFalse(u.truncated());
        assertTrue(u.text().endsWith("call [PHONE]"), u.text());
        assertEquals(english.count(u.text()), u.tokens());
    }

    @Test
    void unknownLabelsBlockedTermsAndEmptyTextAreQuarantined() {
        BlockedTerms blocked = BlockedTerms.of(List.of("Viagra", "赌博"));
        RecordPreparer p = preparer(english, 512, RecordPreparer.LengthPolicy.TRUNCATE, Set.of("ham", "spam"), blocked);
        assertEquals(QuarantineReason.UNKNOWN_LABEL, reason(p.prepare(accepted("text", "eggs"))));
        assertEquals(QuarantineReason.BLOCKED_TERM, reason(p.prepare(accepted("buy VIAGRA now", "spam"))));
        assertEquals(QuarantineReason.BLOCKED_TERM, reason(p.prepare(accepted("网上赌博平台", "spam"))));
        assertEquals(QuarantineReason.EMPTY_TEXT, reason(p.prepare(accepted("<p> </p>\u200B", "ham"))));
        assertTrue(p.prepare(accepted("viagraphic design is a word-ish", "ham")) instanceof IngestOutcome.Prepared);
        IngestOutcome.Quarantined q = (IngestOutcome.Quarantined) p.prepare(accepted("mail x@y.com eggs", "eggs"));
        assertEquals("mail [EMAIL] eggs", q.excerpt());
    }

    @Test
    void chineseTextIsCleanedAndRedacted() {
        IngestOutcome out = preparer(chinese, 512, RecordPreparer.LengthPolicy.TRUNCATE, Set.of(), BlockedTerms.none())
                .prepare(accepted("客户张三，手机：１３９１２３４５６７８，身份证11010519491231002X，ＩＰ：１９２．１６８．１．１", "claim"));
        PreparedRecord r = ((IngestOutcome.Prepared) out).record();
        assertEquals("客户张三,手机:[CN_PHONE],身份证[CN_ID],IP:[IP]", r.text());
        assertEquals(Optional.empty(), Optional.ofNullable(r.redactions().get(PiiRedactor.Kind.PHONE)));
    }

    private static QuarantineReason reason(IngestOutcome o) {
        return ((IngestOutcome.Quarantined) o).reason();
    }
}
