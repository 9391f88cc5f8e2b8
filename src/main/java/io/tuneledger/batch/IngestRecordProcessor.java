package io.tuneledger.batch;

import io.tuneledger.data.BlockedTerms;
import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.IngestOutcome;
import io.tuneledger.data.RecordPreparer;
import io.tuneledger.data.TextCleaner;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.chunk.ItemProcessor;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Cleans, checks and redacts each parsed record (see {@link RecordPreparer}); quarantined ones pass through. */
@Named
@Dependent
public class IngestRecordProcessor implements ItemProcessor {

    @Inject
    @BatchProperty(name = "clean")
    String clean;

    @Inject
    @BatchProperty(name = "redact.pii")
    String redactPii;

    @Inject
    @BatchProperty(name = "labels")
    String labels;

    @Inject
    @BatchProperty(name = "blocked.terms")
    String blockedTerms;

    @Inject
    @BatchProperty(name = "tokenizer")
    String tokenizer;

    @Inject
    @BatchProperty(name = "max.tokens")
    String maxTokens;

    @Inject
    @BatchProperty(name = "max.tokens.policy")
    String policy;

    @Inject
    TokenCounters tokenCounters;

    private RecordPreparer preparer;

    @Override
    public Object processItem(Object item) throws Exception {
        if (preparer == null) {
            Set<String> allowed = labels == null || labels.isBlank() ? Set.of()
                    : Arrays.stream(labels.split(",")).map(String::strip).collect(Collectors.toSet());
            BlockedTerms blocked = blockedTerms == null || blockedTerms.isBlank() ? BlockedTerms.none()
                    : BlockedTerms.read(Path.of(blockedTerms));
            preparer = new RecordPreparer(new TextCleaner(CleaningRule.parse(clean)), Boolean.parseBoolean(redactPii),
                    allowed, blocked, tokenCounters.forModel(tokenizer), Integer.parseInt(maxTokens),
                    RecordPreparer.LengthPolicy.valueOf(policy.toUpperCase(Locale.ROOT)));
        }
        return preparer.prepare((IngestOutcome) item);
    }
}
