package io.tuneledger.batch;

import io.tuneledger.data.BlockedTerms;
import io.tuneledger.data.CleaningRule;
import io.tuneledger.data.DatasetParameters;
import io.tuneledger.data.IngestOutcome;
import io.tuneledger.data.RecordPreparer;
import io.tuneledger.data.TextCleaner;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.ModelEngine;
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
    ModelEngine engine;

    private RecordPreparer preparer;

    @Override
    public Object processItem(Object item) throws Exception {
        if (preparer == null) {
            String allowedLabels = DatasetParameters.LABELS.parse(labels);
            Set<String> allowed = allowedLabels == null ? Set.of()
                    : Arrays.stream(allowedLabels.split(",")).map(String::strip).collect(Collectors.toSet());
            String blockedFile = DatasetParameters.BLOCKED_TERMS.parse(blockedTerms);
            BlockedTerms blocked = blockedFile == null ? BlockedTerms.none() : BlockedTerms.read(Path.of(blockedFile));
            BaseModel model = BaseModel.byId(DatasetParameters.TOKENIZER.parse(tokenizer)).orElseThrow();
            preparer = new RecordPreparer(new TextCleaner(CleaningRule.parse(DatasetParameters.CLEAN.parse(clean))),
                    DatasetParameters.REDACT_PII.parse(redactPii), allowed, blocked, engine.tokenCounter(model),
                    DatasetParameters.MAX_TOKENS.parse(maxTokens), RecordPreparer.LengthPolicy.valueOf(
                            DatasetParameters.MAX_TOKENS_POLICY.parse(policy).toUpperCase(Locale.ROOT)));
        }
        return preparer.prepare((IngestOutcome) item);
    }
}
