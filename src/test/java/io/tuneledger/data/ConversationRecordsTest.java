package io.tuneledger.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.Conversation;
import io.tuneledger.ml.djl.TokenLengths;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat conversations as generation records ({@code messages.field}): read from JSONL and CSV, each message cleaned,
 * checked and redacted on its own, the last assistant message taken as the response; every conversation that cannot
 * be a training record is quarantined with the reason, and a field holding an array is read as one only when asked.
 */
class ConversationRecordsTest {

    static TokenLengths tokens;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream en = BaseModel.ALL_MINILM_L6_V2.openTokenizer()) {
            tokens = TokenLengths.load(en);
        }
    }

    @AfterAll
    static void close() {
        tokens.close();
    }

    private static final FieldMapping CHAT = FieldMapping.pairs("id", PairFields.conversation("messages"));

    private static IngestOutcome parse(FieldMapping fields, String json) {
        return new JsonlRecordParser(fields).parse(new RawLine(3, 0, json.getBytes(StandardCharsets.UTF_8), false));
    }

    private static IngestOutcome prepare(String messages, BlockedTerms blocked) {
        RecordPreparer preparer = new RecordPreparer(new TextCleaner(EnumSet.allOf(CleaningRule.class)), true, Set.of(),
                blocked, tokens, 64, RecordPreparer.LengthPolicy.TRUNCATE);
        return preparer.prepare(parse(CHAT, "{\"id\":\"c1\",\"messages\":" + messages + "}"));
    }

    private static String message(String role, String content) {
        return "{\"role\":\"" + role + "\",\"content\":\"" + content + "\"}";
    }

    private static IngestOutcome.Quarantined quarantined(String messages) {
        return assertInstanceOf(IngestOutcome.Quarantined.class, prepare(messages, BlockedTerms.none()), messages);
    }

    @Test
    void theLastAssistantMessageIsTheResponseAndEachMessageIsCleanedAndRedactedOnItsOwn() {
        String chat = "[" + message("system", "You answer <b>briefly</b>.") + ","
                + message("user", "My address is ann@example.com; which command lists files?") + ","
                + message("assistant", "ls") + "," + message("user", "And its package? Call me on +41 44 668 18 00")
                + "," + message("assistant", "coreutils, write to  help@example.org") + "]";
        IngestOutcome.PreparedPair p = assertInstanceOf(IngestOutcome.PreparedPair.class, prepare(chat,
                BlockedTerms.none()));
        assertEquals(List.of(new Conversation.Message("system", "You answer briefly."),
                new Conversation.Message("user", "My address is [EMAIL]; which command lists files?"),
                new Conversation.Message("assistant", "ls"),
                new Conversation.Message("user", "And its package? Call me on [PHONE]")), p.prompt().messages());
        assertEquals("coreutils, write to [EMAIL]", p.pair().document(), "the response, cleaned and redacted");
        assertEquals(p.prompt().text(), p.pair().query(), "the prompt's text, for de-duplication and the split");
        assertTrue(p.pair().query().startsWith("system: You answer briefly.\nuser: My address is [EMAIL]"),
                p.pair().query());
        assertEquals(Map.of(PiiRedactor.Kind.EMAIL, 2, PiiRedactor.Kind.PHONE, 1), p.redactions());
        assertEquals(tokens.count("coreutils, write to [EMAIL]"), p.tokens(), "the response's tokens");
        JsonObject staged = IngestOutcomes.toJson(p);
        JsonArray messages = staged.getJsonArray(DatasetAssembler.MESSAGES);
        assertEquals(4, messages.size(), "the staging line holds the prompt's messages");
        assertEquals(p.prompt(), Conversation.of(messages));
    }

    @Test
    void aBlockedTermOrAnEmptyMessageQuarantinesTheConversationNamingTheMessage() {
        IngestOutcome.Quarantined blocked = assertInstanceOf(IngestOutcome.Quarantined.class, prepare("["
                + message("system", "Internal project Falcon only.") + "," + message("user", "Hello") + ","
                + message("assistant", "Hi") + "]", BlockedTerms.of(List.of("falcon"))));
        assertEquals(QuarantineReason.BLOCKED_TERM, blocked.reason());
        assertTrue(blocked.detail().startsWith("message 1 (system): "), blocked.detail());
        IngestOutcome.Quarantined empty = quarantined("[" + message("user", "Hello") + ","
                + message("user", "<p> </p>") + "," + message("assistant", "Hi") + "]");
        assertEquals(QuarantineReason.INVALID_MESSAGES, empty.reason());
        assertEquals("message 2 (user): no text left after cleaning", empty.detail());
        IngestOutcome.Quarantined noResponse = quarantined("[" + message("user", "Hello") + ","
                + message("assistant", "<br>") + "]");
        assertEquals(QuarantineReason.EMPTY_POSITIVE, noResponse.reason());
    }

    @Test
    void aConversationThatCannotBeATrainingRecordIsQuarantinedWithTheReason() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("\"just text\"", "not a JSON array of messages");
        cases.put("{\"role\":\"user\"}", "expected a JSON array of messages, found object");
        cases.put("[]", "the conversation has no messages");
        cases.put("[\"hello\"]", "message 1 is not an object with role and content");
        cases.put("[" + message("tool", "x") + "]", "message 1 has role 'tool'; expected system, user or assistant");
        cases.put("[{\"role\":\"user\",\"content\":3}]", "message 1 (user) has no text content");
        cases.put("[" + message("user", "Hello") + "]", "the last message is the user's; it must be the assistant's"
                + " response the model learns");
        cases.put("[" + message("system", "Be brief") + "," + message("assistant", "Hi") + "]",
                "the conversation has no user message");
        cases.put("[" + message("user", "Hello") + "," + message("system", "Be brief") + ","
                + message("assistant", "Hi") + "]", "message 2 is a system message; only the first message may be one");
        cases.forEach((messages, detail) -> {
            IngestOutcome.Quarantined q = quarantined(messages);
            assertEquals(QuarantineReason.INVALID_MESSAGES, q.reason(), messages);
            assertEquals("field 'messages': " + detail, q.detail(), messages);
        });
        IngestOutcome.Quarantined missing = assertInstanceOf(IngestOutcome.Quarantined.class,
                parse(CHAT, "{\"id\":\"c2\",\"prompt\":\"Hello\"}"));
        assertEquals(QuarantineReason.INVALID_MESSAGES, missing.reason());
        assertEquals("field 'messages' is missing or blank", missing.detail());
    }

    /** Only the messages field is handed over as JSON: an array in a text, prompt or response field is no text. */
    @Test
    void anArrayInAnyOtherFieldIsStillARecordWithoutText() {
        assertEquals(QuarantineReason.EMPTY_TEXT, assertInstanceOf(IngestOutcome.Quarantined.class,
                parse(FieldMapping.DEFAULT, "{\"id\":\"t1\",\"text\":[\"a\",\"b\"],\"label\":\"x\"}")).reason());
        FieldMapping prompts = FieldMapping.pairs("id", PairFields.generation("prompt", "response"));
        assertEquals(QuarantineReason.MISSING_QUERY, assertInstanceOf(IngestOutcome.Quarantined.class,
                parse(prompts, "{\"id\":\"g1\",\"prompt\":[" + message("user", "Hello") + "],\"response\":\"Hi\"}"))
                .reason());
    }

    @Test
    void aCsvCellHoldingTheConversationsJsonIsRead() throws Exception {
        Path csv = dir.resolve("chats.csv");
        Files.writeString(csv, "id,messages\nc1,\"[{\"\"role\"\":\"\"user\"\",\"\"content\"\":\"\"Hello\"\"},"
                + "{\"\"role\"\":\"\"assistant\"\",\"\"content\"\":\"\"Hi there\"\"}]\"\n");
        try (CsvFileSource source = CsvFileSource.open(csv, CHAT, SourcePosition.START, 1 << 20)) {
            PairRecord r = assertInstanceOf(IngestOutcome.AcceptedPair.class, source.next()).pair();
            assertEquals(List.of(new Conversation.Message("user", "Hello"), new Conversation.Message("assistant",
                    "Hi there")), r.conversation().messages());
            assertEquals("Hi there", r.pair().document());
            assertEquals("user: Hello", r.pair().query());
        }
    }
}
