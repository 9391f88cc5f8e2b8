package io.tuneledger.audit.report;

import io.tuneledger.audit.AuditAction;
import io.tuneledger.audit.AuditEvent;
import io.tuneledger.audit.AuditLedger;
import io.tuneledger.audit.AuditVerifier;
import io.tuneledger.audit.LedgerAnchors;
import io.tuneledger.audit.LedgerTrust;
import io.tuneledger.audit.SubjectType;
import io.tuneledger.data.DatasetManifest;
import io.tuneledger.data.DatasetStatistics;
import io.tuneledger.job.ExecutionHistory;
import io.tuneledger.job.ExecutionInfo;
import io.tuneledger.job.StepInfo;
import io.tuneledger.ml.Baseline;
import io.tuneledger.ml.ClassificationMetrics;
import io.tuneledger.ml.StudentSpeed;
import io.tuneledger.ml.TaskMetrics;
import io.tuneledger.ml.Evaluation;
import io.tuneledger.ml.GateDecision;
import io.tuneledger.ml.TrainingParameters;
import io.tuneledger.ml.TrainingRecord;
import io.tuneledger.registry.ModelDetails;
import io.tuneledger.registry.DatasetRegistry;
import io.tuneledger.registry.DatasetVersion;
import io.tuneledger.registry.ModelRegistry;
import io.tuneledger.registry.ModelVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the compliance report of a job execution or of a model version from the records that already exist: the
 * job repository, the dataset and model registries, the run's files and the audit ledger. The report answers who
 * launched what and when, on which data (with hashes from the source file to the predictions), cleaned how, trained
 * how, with which result and gate decision, what interrupted it, and whether the ledger's chain verified at the time
 * the report was made.
 */
@ApplicationScoped
public class ComplianceReports {

    private static final int EVENTS_PER_EXECUTION = 10_000;

    @Inject
    ExecutionHistory history;

    @Inject
    AuditLedger ledger;

    @Inject
    AuditVerifier verifier;

    @Inject
    LedgerTrust trust;

    @Inject
    DatasetRegistry datasets;

    @Inject
    ModelRegistry models;

    /** The report of one job execution, and of the other executions (restarts) of its job instance. */
    public Optional<Report> forExecution(long executionId, String requestedBy) {
        Optional<ExecutionInfo> found = history.find(executionId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ExecutionInfo execution = found.get();
        List<ExecutionInfo> attempts = history.ofInstance(executionId);
        Optional<ModelVersion> model = models.byJobInstance(execution.instanceId());
        Optional<DatasetVersion> dataset = datasets.byJobInstance(execution.instanceId())
                .or(() -> model.flatMap(m -> datasets.find(m.datasetName(), m.datasetVersion())));
        List<Report.Section> sections = new ArrayList<>();
        sections.add(summary(execution, attempts, model, dataset));
        sections.add(lineage(dataset, model, predictions(model, attempts, execution)));
        dataset.ifPresent(d -> sections.add(datasheet(d)));
        model.ifPresent(m -> sections.addAll(training(m)));
        if (execution.result() != null) {
            sections.add(study(execution.result()));
        }
        sections.add(interruptions(attempts));
        sections.add(verification());
        return Optional.of(new Report("Compliance report: job execution " + executionId + " (" + execution.jobName()
                + ")", subtitle(requestedBy), sections));
    }

    /** The report of a model version: its model card first, then the report of the job that trained it. */
    public Report forModel(ModelVersion model, String requestedBy) {
        List<Report.Section> sections = new ArrayList<>();
        sections.add(cardSection(card(model)));
        Optional<Report> job = forExecution(model.jobExecutionId(), requestedBy);
        if (job.isPresent()) {
            sections.addAll(job.get().sections());
        } else {
            // The retention job removed the job's records; the ledger and the registries still tell the story.
            Report.SectionBuilder gone = new Report.SectionBuilder("Job records");
            gone.text("The job-repository records of execution " + model.jobExecutionId() + " were removed by the "
                    + "retention job; what follows comes from the registries and the audit ledger.");
            List<List<String>> rows = new ArrayList<>();
            for (AuditEvent event : eventsOldestFirst(model.jobExecutionId())) {
                if (event.action().startsWith("job.")) {
                    rows.add(List.of(Long.toString(event.seq()), event.time(), event.actor(), event.action()));
                }
            }
            gone.table("Job events in the audit ledger", List.of("seq", "time (UTC)", "actor", "event"), rows);
            sections.add(gone.build());
            Optional<DatasetVersion> dataset = datasets.find(model.datasetName(), model.datasetVersion());
            sections.add(lineage(dataset, Optional.of(model), predictions(Optional.of(model), List.of(), null)));
            dataset.ifPresent(d -> sections.add(datasheet(d)));
            sections.addAll(training(model));
            sections.add(verification());
        }
        return new Report("Compliance report: model " + model.name() + " v" + model.version(),
                subtitle(requestedBy), sections);
    }

    /** The model card of a version as JSON (also the first section of its report). */
    public JsonObject card(ModelVersion model) {
        Optional<DatasetVersion> dataset = datasets.find(model.datasetName(), model.datasetVersion());
        return ModelCard.of(model, ModelDetails.of(model), dataset.map(d -> DatasetManifest.parse(d.manifest()))
                .orElse(null));
    }

    private static String subtitle(String requestedBy) {
        return "Generated " + AuditLedger.timeText(Instant.now()) + " (UTC) for " + requestedBy
                + " by Tuneledger from the job repository, the registries and the audit ledger.";
    }

    private static Report.Section cardSection(JsonObject card) {
        Report.SectionBuilder s = new Report.SectionBuilder("Model card");
        s.fact("Model", card.getString("model") + " (" + card.getString("status") + ")")
                .fact("Base model", card.getString("baseModel"))
                .fact("Weights SHA-256", card.getString("weightsSha256"))
                .fact("Created", card.getString("createdAt"));
        s.text("Intended use. " + card.getString("intendedUse"));
        JsonObject data = card.getJsonObject("trainingData");
        StringBuilder training = new StringBuilder("Training data. Dataset " + data.getString("dataset")
                + " (content SHA-256 " + data.getString("contentSha256") + ")");
        if (data.get("counts") instanceof JsonObject counts) {
            training.append(": ").append(counts.getJsonNumber("records")).append(" records kept of ")
                    .append(counts.getJsonNumber("read")).append(" read");
            if (data.get("labels") instanceof JsonObject labels) {
                training.append("; labels ").append(compact(labels));
            } else if (counts.containsKey("documents")) {
                training.append("; ").append(counts.getJsonNumber("documents")).append(" documents to search");
            }
        }
        s.text(training.append('.').toString());
        JsonObject evaluation = card.getJsonObject("evaluation");
        if (evaluation.containsKey("compared")) {
            String primary = evaluation.getString("primary");
            StringBuilder text = new StringBuilder("Evaluation. On the " + evaluation.getString("split") + " split, "
                    + primary + ":");
            evaluation.getJsonArray("compared").forEach(v -> text.append(' ').append(v.asJsonObject()
                    .getString("model")).append(' ').append(fmt(v.asJsonObject().getJsonObject("figures")
                    .getJsonNumber(primary).doubleValue())).append(';'));
            s.text(text.append(" quality gate: ").append(evaluation.getJsonObject("gate").getString("decision", "-"))
                    .append('.').toString());
        } else {
            s.text(String.format(Locale.ROOT, "Evaluation. On the %s split: macro-F1 %.3f, accuracy %.3f; %s: "
                    + "macro-F1 %.3f. Quality gate: %s.", evaluation.getString("split"),
                    evaluation.getJsonNumber("macroF1").doubleValue(),
                    evaluation.getJsonNumber("accuracy").doubleValue(), evaluation.getString("baseline"),
                    evaluation.getJsonNumber("baselineMacroF1").doubleValue(),
                    evaluation.getJsonObject("gate").getString("decision", "-")));
            if (evaluation.get("int8") instanceof JsonObject q) {
                s.text(String.format(Locale.ROOT, "Int8 scoring (score.engine=onnx-int8). On the test split (%d"
                        + " records) the int8 export has accuracy %.3f against %.3f for the fp32 export (%.3f lost);"
                        + " labels agree on %.1f%%; int8 file SHA-256 %s.", q.getInt("records"),
                        q.getJsonObject("int8").getJsonNumber("accuracy").doubleValue(),
                        q.getJsonObject("fp32").getJsonNumber("accuracy").doubleValue(),
                        q.getJsonNumber("accuracyDrop").doubleValue(),
                        100 * q.getJsonNumber("labelAgreement").doubleValue(), q.getString("int8Sha256")));
            }
        }
        StringBuilder limitations = new StringBuilder("Limitations.");
        card.getJsonArray("limitations").forEach(l -> limitations.append(' ').append(((JsonString) l).getString()));
        s.text(limitations.toString());
        return s.build();
    }

    private Report.Section summary(ExecutionInfo execution, List<ExecutionInfo> attempts,
            Optional<ModelVersion> model, Optional<DatasetVersion> dataset) {
        Report.SectionBuilder s = new Report.SectionBuilder("Who, when, what");
        ExecutionInfo first = attempts.get(0);
        Optional<AuditEvent> launch = events(first.executionId()).stream()
                .filter(e -> e.action().equals(AuditAction.JOB_LAUNCHED.id())).findFirst();
        s.fact("Job", execution.jobName())
                .fact("Job instance", execution.instanceId())
                .fact("Execution", execution.executionId() + " (" + attempts.size() + " execution"
                        + (attempts.size() == 1 ? "" : "s") + " of this instance)")
                .fact("Launched by", launch.map(AuditEvent::actor).orElse("not in the ledger"))
                .fact("Launched at", launch.map(AuditEvent::time).orElse(String.valueOf(first.createTime())))
                .fact("Started", execution.startTime())
                .fact("Ended", execution.endTime())
                .fact("Status", execution.batchStatus() + (execution.exitStatus() == null
                        || execution.exitStatus().equals(execution.batchStatus()) ? "" : " / "
                        + execution.exitStatus()));
        dataset.ifPresent(d -> s.fact("Dataset", d.name() + " v" + d.version()));
        model.ifPresent(m -> s.fact("Model", m.name() + " v" + m.version() + " ("
                + m.status().name().toLowerCase(Locale.ROOT) + ")"));
        List<List<String>> rows = new ArrayList<>();
        new java.util.TreeMap<>(execution.parameters()).forEach((k, v) -> rows.add(List.of(k, v)));
        s.table("Parameters (after defaults were applied)", List.of("parameter", "value"), rows);
        List<List<String>> steps = new ArrayList<>();
        for (StepInfo step : execution.steps()) {
            steps.add(List.of(step.stepName(), step.batchStatus(), String.valueOf(step.startTime()),
                    String.valueOf(step.endTime()), compact(Json.createObjectBuilder((Map) step.counts()).build())));
        }
        s.table("Steps of this execution", List.of("step", "status", "started", "ended", "counts"), steps);
        return s.build();
    }

    private Report.Section lineage(Optional<DatasetVersion> dataset, Optional<ModelVersion> model,
            List<JsonObject> predictions) {
        Report.SectionBuilder s = new Report.SectionBuilder("Data lineage");
        List<List<String>> rows = new ArrayList<>();
        dataset.ifPresent(d -> {
            DatasetManifest.Source source = DatasetManifest.parse(d.manifest()).source();
            rows.add(List.of(source.path() != null ? "source file" : "source table", source.path() != null
                    ? source.path() : source.datasource() + " " + source.table(), source.sha256()));
            rows.add(List.of("dataset version", d.ref(), d.contentSha256()));
        });
        model.ifPresent(m -> {
            rows.add(List.of("base model", m.baseModel(), m.baseModelSha256()));
            rows.add(List.of("model version", m.name() + " v" + m.version(), m.weightsSha256()));
        });
        for (JsonObject p : predictions) {
            rows.add(List.of("predictions", p.getString("output") + " (" + p.getJsonNumber("scored") + " scored, "
                    + p.getJsonNumber("rejected") + " rejected)", p.getString("sha256")));
        }
        s.text("Each row is derived from the one above it; the hashes are SHA-256 of the file contents (the dataset "
                + "version's is that of its records, the model version's that of its weights file).");
        s.table("", List.of("what", "name", "SHA-256"), rows);
        return s.build();
    }

    private Report.Section datasheet(DatasetVersion d) {
        DatasetManifest m = DatasetManifest.parse(d.manifest());
        JsonObject statistics = m.statistics().toJson();
        Report.SectionBuilder s = new Report.SectionBuilder("Datasheet: " + d.ref());
        DatasetStatistics.Counts counts = m.statistics().counts();
        s.fact("Created", m.createdAt())
                .fact("Task", m.task())
                .fact("Source format", m.source().format())
                .fact("Cleaning rules", m.cleaning().rules())
                .fact("PII redaction", m.cleaning().redactPii() ? "on" : "off")
                .fact("Redactions", compact(statistics.get("redactions")))
                .fact("Deduplication", compact(m.dedupe().toJson()))
                .fact("Split", compact(m.split().toJson()))
                .fact("Tokenizer", compact(m.tokenizer().toJson()))
                .fact("Token counts", compact(m.statistics().tokens().toJson()));
        s.table("Counts", List.of("read", "kept", "quarantined", "duplicates", "augmented"), List.of(List.of(
                Long.toString(counts.read()), Long.toString(counts.records()), Long.toString(counts.quarantined()),
                Long.toString(counts.duplicates()), Long.toString(counts.augmented()))));
        List<List<String>> quarantine = new ArrayList<>();
        m.statistics().quarantine().forEach((reason, n) -> quarantine.add(List.of(reason, n.toString())));
        if (quarantine.isEmpty()) {
            quarantine.add(List.of("(none)", "0"));
        }
        s.table("Quarantined records by reason", List.of("reason", "records"), quarantine);
        List<List<String>> splits = new ArrayList<>();
        m.statistics().splits().forEach((split, c) -> splits.add(List.of(split, Long.toString(c.records()),
                compact(statistics.getJsonObject("splits").getJsonObject(split).get("labels")))));
        s.table("Splits", List.of("split", "records", "labels"), splits);
        return s.build();
    }

    /** A cross-validation's folds with their mean and spread, or a search's trials with the best one named. */
    static Report.Section study(JsonObject result) {
        String primary = result.getString("primary");
        boolean cv = result.containsKey("perFold");
        Report.SectionBuilder s = new Report.SectionBuilder(cv ? "Cross-validation" : "Hyperparameter search");
        int folds = result.getInt("folds");
        String scoredOn = folds > 0 ? "the held-out fold of " + folds + " (stratified by label, or grouped by answer"
                + " document, from the train and validation splits; the test split unused)" : "the validation split";
        s.fact("Each run scored on", scoredOn).fact("Primary figure", primary);
        if (cv) {
            List<String> header = new ArrayList<>(List.of("fold", "examples", "steps", "best epoch"));
            JsonObject mean = result.getJsonObject("mean");
            header.addAll(mean.keySet());
            List<List<String>> rows = new ArrayList<>();
            for (var v : result.getJsonArray("perFold")) {
                JsonObject u = v.asJsonObject();
                List<String> row = new ArrayList<>(List.of(Integer.toString(u.getInt("fold")),
                        Integer.toString(u.getInt("examples")), Integer.toString(u.getInt("steps")),
                        Integer.toString(u.getInt("bestEpoch"))));
                mean.keySet().forEach(k -> row.add(fmt(u.getJsonObject("figures").getJsonNumber(k).doubleValue())));
                rows.add(row);
            }
            for (String stat : List.of("mean", "std")) {
                List<String> row = new ArrayList<>(List.of(stat.equals("mean") ? "mean" : "standard deviation", "",
                        "", ""));
                mean.keySet().forEach(k -> row.add(fmt(result.getJsonObject(stat).getJsonNumber(k).doubleValue())));
                rows.add(row);
            }
            s.table("Figures per fold", header, rows);
            s.fact(primary, fmt(mean.getJsonNumber(primary).doubleValue()) + " \u00b1 "
                    + fmt(result.getJsonObject("std").getJsonNumber(primary).doubleValue()) + " over " + folds
                    + " folds");
        } else {
            JsonObject best = result.getJsonObject("best");
            s.fact("Method", result.getString("method", "-"))
                    .fact("Best trial", best.getInt("trial") + ": " + compact(best.getJsonObject("parameters"))
                            + ", " + primary + " " + fmt(best.getJsonObject("mean").getJsonNumber(primary)
                                    .doubleValue()));
            List<List<String>> rows = new ArrayList<>();
            for (var v : result.getJsonArray("trials")) {
                JsonObject t = v.asJsonObject();
                rows.add(List.of(Integer.toString(t.getInt("trial")), compact(t.getJsonObject("parameters")),
                        fmt(t.getJsonObject("mean").getJsonNumber(primary).doubleValue()),
                        fmt(t.getJsonObject("std").getJsonNumber(primary).doubleValue())));
            }
            s.table("Trials", List.of("trial", "parameters", primary + " (mean)", primary + " (std over folds)"),
                    rows);
            s.text("Train the final model with training.config=tune:<this execution's id> (fine-tune or pipeline);"
                    + " its provenance and report name this study.");
        }
        return s.build();
    }

    private List<Report.Section> training(ModelVersion model) {
        ModelDetails details = ModelDetails.of(model);
        Evaluation evaluation = details.evaluation();
        List<Report.Section> sections = new ArrayList<>();

        Report.SectionBuilder config = new Report.SectionBuilder("Training configuration and software");
        Map<String, String> parameters = details.parameters();
        config.fact("Task", details.task().id())
                .fact("Base model", model.baseModel() + " (SHA-256 " + model.baseModelSha256() + ")")
                .fact("Seed", parameters.getOrDefault(TrainingParameters.SEED.name(), "-"))
                .fact("Mode", parameters.getOrDefault(TrainingParameters.MODE.name(), "-"));
        List<List<String>> rows = new ArrayList<>();
        List<io.tuneledger.config.Parameter<?>> all = new ArrayList<>(TrainingParameters.ALL);
        all.addAll(TrainingParameters.ADAPTATION);
        all.add(TrainingParameters.GATE_MIN_MASKED_ACCURACY);
        for (var p : all) {
            if (parameters.containsKey(p.name()) && p != TrainingParameters.BASE_MODEL
                    && p != TrainingParameters.MODEL_NAME) {
                rows.add(List.of(p.name(), parameters.get(p.name())));
            }
        }
        config.table("Training parameters", List.of("parameter", "value"), rows);
        JsonObject provenance = provenance(model);
        if (provenance != null && provenance.get("configuration") instanceof JsonObject origin) {
            config.fact("Configuration from", "best trial " + origin.getInt("bestTrial") + " of the tune job "
                    + origin.getJsonNumber("executionId") + " (" + origin.getString("study") + "): "
                    + compact(origin.getJsonObject("parameters")) + ", " + origin.getString("primary") + " "
                    + fmt(origin.getJsonNumber("mean").doubleValue()) + " on the " + origin.getString("scoredOn")
                    + "; study result SHA-256 " + origin.getString("resultSha256"));
        }
        if (provenance != null && provenance.get("baseModelOrigin") instanceof JsonObject base) {
            config.fact("Base model from", baseOrigin(base));
        }
        if (provenance != null && provenance.get("distillation") instanceof JsonObject distillation) {
            config.fact("Distilled from", baseOrigin(distillation.getJsonObject("teacher")))
                    .fact("Distillation", "student from " + distillation.getString("student") + ", "
                            + distillation.getString("layers") + " encoder layers kept; temperature "
                            + fmt(distillation.getJsonNumber("temperature").doubleValue()) + ", alpha "
                            + fmt(distillation.getJsonNumber("alpha").doubleValue()));
        }
        if (provenance != null && provenance.get("software") instanceof JsonObject software) {
            software.forEach((k, v) -> config.fact("Software: " + k, v instanceof JsonString js ? js.getString()
                    : v.toString()));
        }
        List<AuditEvent> boot = ledger.find(SubjectType.SYSTEM, "tuneledger", 1);
        if (!boot.isEmpty() && parse(boot.get(0).details()).get("versions") instanceof JsonObject versions) {
            config.fact("Server (at the last boot)", compact(versions));
        }
        sections.add(config.build());

        Report.SectionBuilder metrics = new Report.SectionBuilder("Evaluation");
        if (evaluation.test() instanceof ClassificationMetrics test) {
            classificationTables(metrics, model, test, evaluation.baseline());
        } else {
            List<String> header = new ArrayList<>();
            header.add("model");
            header.addAll(evaluation.test().summary().keySet());
            List<List<String>> compared = new ArrayList<>();
            compared.add(summaryRow(model.ref() + " (fine-tuned)", evaluation.test()));
            compared.add(summaryRow(evaluation.baseline().describeMode() + " (before fine-tuning)",
                    evaluation.baseline().test()));
            evaluation.baseline().alsoCompared().forEach((name, m) -> compared.add(summaryRow(name, m)));
            metrics.table("Test split: the fine-tuned model, the base model as it is, and the other baselines",
                    header, compared);
            if (evaluation.test() instanceof io.tuneledger.ml.AnswerMetrics after
                    && evaluation.baseline().test() instanceof io.tuneledger.ml.AnswerMetrics before) {
                List<List<String>> answers = new ArrayList<>();
                for (int i = 0; i < after.samples().size(); i++) {
                    var s = after.samples().get(i);
                    answers.add(List.of(s.prompt(), s.reference(), i < before.samples().size()
                            ? before.samples().get(i).answer() : "", s.answer()));
                }
                metrics.table("Sample answers on the test split (greedy; the first " + answers.size() + " prompts)",
                        List.of("prompt", "reference", "base model", "fine-tuned"), answers);
            }
        }
        GateDecision gate = details.gate();
        metrics.fact("Quality gate", gate.decision().name())
                .fact("Gate rule", gate.threshold() != null ? gate.metric() + " >= " + fmt(gate.threshold())
                        : "none set (" + gateParameter(details.task()) + "=none): the version is registered as a"
                                + " candidate")
                .fact("Measured", fmt(gate.value()));
        sections.add(metrics.build());

        Report.SectionBuilder curves = new Report.SectionBuilder("Training curves");
        TrainingRecord training = evaluation.training();
        double[] losses = training.curves().loss().stream().mapToDouble(Float::doubleValue).toArray();
        double[] steps = new double[losses.length];
        for (int i = 0; i < losses.length; i++) {
            steps[i] = i + 1;
        }
        List<Report.Series> series = new ArrayList<>();
        series.add(new Report.Series("training loss (per step)", steps, losses));
        List<Double> validationLoss = training.curves().validationLoss();
        if (!validationLoss.isEmpty()) {
            double[] v = validationLoss.stream().mapToDouble(Double::doubleValue).toArray();
            double[] at = new double[v.length];
            for (int e = 0; e < v.length; e++) {
                at[e] = Math.round((e + 1) * (double) losses.length / v.length);
            }
            series.add(new Report.Series("validation loss (per epoch)", at, v));
        }
        curves.chart(new Report.Chart("Cross-entropy loss during training", "optimisation step", "loss",
                series));
        curves.fact("Steps", training.steps())
                .fact("Best epoch (kept weights)", training.bestEpoch() + 1)
                .fact("Stopped early", training.stoppedEarly() ? "yes" : "no")
                .fact("Validation " + (evaluation.test() instanceof ClassificationMetrics ? "macro-F1"
                        : evaluation.test() instanceof io.tuneledger.ml.AnswerMetrics ? "response-token accuracy"
                        : evaluation.test() instanceof io.tuneledger.ml.AdaptationMetrics ? "masked-token accuracy"
                        : "MRR@10") + " per epoch", "[" + String.join(", ", training.curves().validationMetric()
                        .stream().map(ComplianceReports::fmt).toList()) + "]");
        sections.add(curves.build());
        return sections;
    }

    private Report.Section interruptions(List<ExecutionInfo> attempts) {
        Report.SectionBuilder s = new Report.SectionBuilder("Restarts and interruptions");
        List<List<String>> runs = new ArrayList<>();
        List<List<String>> events = new ArrayList<>();
        long checkpoints = 0;
        for (ExecutionInfo a : attempts) {
            runs.add(List.of(Long.toString(a.executionId()), a.batchStatus(), String.valueOf(a.exitStatus()),
                    String.valueOf(a.startTime()), String.valueOf(a.endTime())));
            for (AuditEvent e : eventsOldestFirst(a.executionId())) {
                if (e.action().equals(AuditAction.TRAINING_CHECKPOINT.id())) {
                    checkpoints++;
                } else if (e.action().startsWith("job.")) {
                    events.add(List.of(Long.toString(e.seq()), e.time(), e.actor(), e.action(),
                            Long.toString(a.executionId())));
                }
            }
        }
        s.text(attempts.size() == 1 ? "The job ran in one execution."
                : "The job instance ran in " + attempts.size() + " executions: each restart resumed from the last "
                        + "committed checkpoint of the one before.");
        s.table("Executions of the job instance", List.of("execution", "status", "exit status", "started", "ended"),
                runs);
        s.table("Job events in the audit ledger", List.of("seq", "time (UTC)", "actor", "event", "execution"),
                events);
        if (checkpoints > 0) {
            s.fact("Training checkpoints recorded", checkpoints + " (each with the SHA-256 of its saved state)");
        }
        return s.build();
    }

    private Report.Section verification() {
        trust.anchorHead();
        AuditVerifier.Result result = verifier.verify();
        Report.SectionBuilder s = new Report.SectionBuilder("Audit chain verification at report time");
        if (result.valid()) {
            s.fact("Result", "VALID: every event's hash recomputed and chained, its MAC checked with the ledger key it"
                            + " names, every anchored head found unchanged")
                    .fact("Events", result.events())
                    .fact("Last hash", result.lastHash())
                    .fact("Ledger keys", String.join(", ", result.keyIds()) + " (held outside the database)")
                    .fact("Anchors checked", result.anchorsChecked());
            if (result.unauthenticated() > 0) {
                s.fact("Events without a MAC", result.unauthenticated() + " (written before the ledger had keys;"
                        + " covered by the chain and the anchors only)");
            }
        } else {
            s.fact("Result", "BROKEN" + (result.brokenAt() == null ? "" : " at sequence number " + result.brokenAt()))
                    .fact("Reason", result.reason())
                    .text("The ledger was changed after the fact: the facts above that come from it cannot be "
                            + "trusted beyond the last valid event.");
        }
        LedgerAnchors.Anchor anchor = result.lastAnchor();
        if (anchor != null) {
            s.fact("Head anchored outside the database", "event " + anchor.seq() + ", hash " + anchor.hash() + ", at "
                    + anchor.time() + " (line " + anchor.line() + " of the anchor file, MAC key " + anchor.keyId()
                    + ")");
        }
        return s.build();
    }

    private List<JsonObject> predictions(Optional<ModelVersion> model, List<ExecutionInfo> attempts,
            ExecutionInfo execution) {
        List<Long> ids = attempts.stream().map(ExecutionInfo::executionId).toList();
        String subject = model.map(m -> m.name() + " v" + m.version())
                .orElseGet(() -> execution.parameters().get("model.name"));
        if (subject == null) {
            return List.of();
        }
        List<AuditEvent> found = model.isPresent() ? ledger.find(SubjectType.MODEL, subject, 1000)
                : ledger.find(SubjectType.MODEL, null, EVENTS_PER_EXECUTION).stream()
                        .filter(e -> e.subjectId().startsWith(subject + " v")).toList();
        List<JsonObject> out = new ArrayList<>();
        for (AuditEvent e : found) {
            if (e.action().equals(AuditAction.PREDICTIONS_WRITTEN.id())) {
                JsonObject d = parse(e.details());
                if (model.isPresent() || ids.contains(d.getJsonNumber("jobExecutionId").longValue())) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private List<AuditEvent> events(long executionId) {
        return ledger.find(SubjectType.JOB_EXECUTION, Long.toString(executionId), EVENTS_PER_EXECUTION);
    }

    private List<AuditEvent> eventsOldestFirst(long executionId) {
        List<AuditEvent> events = new ArrayList<>(events(executionId));
        events.sort(Comparator.comparingLong(AuditEvent::seq));
        return events;
    }

    private static JsonObject provenance(ModelVersion model) {
        Path file = Path.of(model.path()).resolve(io.tuneledger.ml.Provenance.FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            return null;
        }
    }

    static JsonObject parse(String json) {
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return r.readObject();
        }
    }

    /** A JSON value on one line, without quotes and braces clutter: {@code a 1, b 2}. */
    static String compact(JsonValue value) {
        if (value == null || value == JsonValue.NULL) {
            return "-";
        }
        if (value instanceof JsonObject o) {
            if (o.isEmpty()) {
                return "none";
            }
            List<String> parts = new ArrayList<>();
            o.forEach((k, v) -> parts.add(k + " " + compact(v)));
            return String.join(", ", parts);
        }
        if (value instanceof JsonArray a) {
            List<String> parts = new ArrayList<>();
            a.forEach(v -> parts.add(compact(v)));
            return "[" + String.join(", ", parts) + "]";
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof JsonNumber n && !n.isIntegral()) {
            return fmt(n.doubleValue());
        }
        return value.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }


    /** The tables of a classifier's test figures: against its baseline, per label, and the confusion matrix. */
    private static void classificationTables(Report.SectionBuilder metrics, ModelVersion model,
            ClassificationMetrics test, Baseline compared) {
        ClassificationMetrics baseline = (ClassificationMetrics) compared.test();
        StudentSpeed speed = compared.speed();
        if (speed != null) {
            metrics.table("Test split: the distilled student against its teacher (texts per second: both models"
                    + " predicting the same " + speed.texts() + " test texts, one after the other, on this server)",
                    List.of("model", "accuracy", "macro-F1", "weights", "texts/s"), List.of(
                            List.of(model.ref() + " (student)", fmt(test.accuracy()), fmt(test.macroF1()),
                                    Long.toString(speed.studentParameters()), fmt(speed.studentTextsPerSecond())),
                            List.of("teacher", fmt(baseline.accuracy()), fmt(baseline.macroF1()),
                                    Long.toString(speed.teacherParameters()), fmt(speed.teacherTextsPerSecond()))));
            metrics.fact("Student against teacher", String.format(Locale.ROOT, "%.2fx the speed with %.0f%% of the"
                    + " weights; macro-F1 %+.3f", speed.speedup(), 100 * speed.sizeRatio(),
                    test.macroF1() - baseline.macroF1()));
        } else {
            metrics.table("Test split: fine-tuned model against the frozen-encoder baseline",
                    List.of("model", "accuracy", "macro-F1"), List.of(
                            List.of(model.ref(), fmt(test.accuracy()), fmt(test.macroF1())),
                            List.of("baseline (frozen encoder)", fmt(baseline.accuracy()), fmt(baseline.macroF1()))));
        }
        List<List<String>> perClass = new ArrayList<>();
        for (ClassificationMetrics.PerClass c : test.perClass()) {
            perClass.add(List.of(c.label(), fmt(c.precision()), fmt(c.recall()), fmt(c.f1()),
                    Long.toString(c.support())));
        }
        metrics.table("Per label (test split)", List.of("label", "precision", "recall", "F1", "support"), perClass);
        List<String> header = new ArrayList<>();
        header.add("true \\ predicted");
        header.addAll(test.labels());
        List<List<String>> confusion = new ArrayList<>();
        for (int i = 0; i < test.labels().size(); i++) {
            List<String> row = new ArrayList<>();
            row.add(test.labels().get(i));
            for (long v : test.confusion()[i]) {
                row.add(Long.toString(v));
            }
            confusion.add(row);
        }
        metrics.table("Confusion matrix (test split)", header, confusion);
    }

    private static List<String> summaryRow(String name, TaskMetrics m) {
        List<String> row = new ArrayList<>();
        row.add(name);
        m.summary().values().forEach(v -> row.add(fmt(v)));
        return row;
    }

    /** The gate parameter of the evaluated task. */
    /**
     * A registered base model as the report names it: {@code adapted v1, an adaptation model made by the adapt job
     * (execution 7) on corpus v1 (content SHA-256 ...), weights SHA-256 ...}.
     */
    static String baseOrigin(JsonObject base) {
        StringBuilder text = new StringBuilder(base.getString("model")).append(", a ").append(base.getString("task"))
                .append(" model");
        if (base.get("job") instanceof JsonObject job) {
            text.append(" made by the ").append(job.getString("jobName")).append(" job (execution ")
                    .append(job.getJsonNumber("executionId")).append(')');
        }
        if (base.get("dataset") instanceof JsonObject dataset) {
            text.append(" on ").append(dataset.getString("name")).append(" v").append(dataset.getInt("version"))
                    .append(" (content SHA-256 ").append(dataset.getString("contentSha256")).append(')');
        }
        return text.append(", weights SHA-256 ").append(base.getString("weightsSha256")).toString();
    }

    /** The parameter holding the gate's threshold for a task's models. */
    private static String gateParameter(io.tuneledger.ml.TaskType task) {
        return (switch (task) {
            case CLASSIFICATION -> TrainingParameters.GATE_MIN_MACRO_F1;
            case RETRIEVAL -> TrainingParameters.GATE_MIN_MRR;
            case ADAPTATION -> TrainingParameters.GATE_MIN_MASKED_ACCURACY;
            case GENERATION -> TrainingParameters.GATE_MIN_TOKEN_F1;
        }).name();
    }
}
