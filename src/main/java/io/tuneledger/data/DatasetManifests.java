package io.tuneledger.data;

import io.tuneledger.config.ParameterValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;

/**
 * Builds a dataset version's {@link DatasetManifest} from what the prepare-dataset run knows: its parameters, the
 * assembled files' statistics, the source and its hash. Plain functions, checked by unit tests.
 */
public final class DatasetManifests {

    private DatasetManifests() {
    }

    /** What de-duplication did, as the manifest records it. */
    static final String DEDUPE_METHOD = "exact: SHA-256 of NFKC lower-case text; near: MinHash 128 over character"
            + " 5-grams, LSH 16 bands x 8 rows, estimated Jaccard";

    /**
     * The manifest of version {@code version} of dataset {@code name}.
     *
     * @param augmenter the augmenter of the train split, or null
     */
    public static DatasetManifest of(String name, int version, String task, Instant created, long instance,
            long execution, DatasetManifest.Source source, ParameterValues parameters, DatasetAssembler.Result result,
            EdaAugmenter augmenter) throws IOException {
        String blocked = parameters.get(DatasetParameters.BLOCKED_TERMS);
        DatasetManifest.BlockedTermsFile blockedFile = blocked == null || blocked.isBlank() ? null
                : new DatasetManifest.BlockedTermsFile(blocked, JsonlFiles.sha256(Path.of(blocked)),
                        BlockedTerms.read(Path.of(blocked)).terms().size());
        DatasetManifest.Augmentation augmentation = null;
        if (augmenter != null) {
            String thesaurus = parameters.get(DatasetParameters.AUGMENT_THESAURUS);
            augmentation = new DatasetManifest.Augmentation(augmenter.generator(), thesaurus,
                    JsonlFiles.sha256(Path.of(thesaurus)), result.augmented());
        }
        return new DatasetManifest(name, version, task, result.contentSha256(), created, instance, execution, source,
                parameters.asMap(),
                new DatasetManifest.Cleaning(parameters.get(DatasetParameters.CLEAN),
                        parameters.get(DatasetParameters.REDACT_PII), blockedFile),
                new DatasetManifest.TokenLimit(parameters.get(DatasetParameters.TOKENIZER),
                        parameters.get(DatasetParameters.MAX_TOKENS),
                        parameters.get(DatasetParameters.MAX_TOKENS_POLICY)),
                new DatasetManifest.Dedupe(parameters.get(DatasetParameters.DEDUPE),
                        parameters.get(DatasetParameters.DEDUPE_THRESHOLD), DEDUPE_METHOD),
                new DatasetManifest.SplitSpec(parameters.get(DatasetParameters.SPLIT),
                        parameters.get(DatasetParameters.SPLIT_SEED)),
                augmentation, result.statistics());
    }

    /**
     * A file source: its size and SHA-256, after checking that it is the file that was ingested
     * ({@code ingestedBytes}, or negative when unknown): a file that changed during the job is refused.
     */
    public static DatasetManifest.Source file(String format, Path file, long ingestedBytes) throws IOException {
        long size = Files.size(file);
        if (ingestedBytes >= 0 && ingestedBytes != size) {
            throw new IOException("the input file " + file + " changed during the job: " + ingestedBytes
                    + " bytes were ingested, it now has " + size + "; prepare it again");
        }
        return DatasetManifest.Source.file(format, file.toString(), size, JsonlFiles.sha256(file));
    }

    /**
     * A BEIR directory source: the total size of its files and the SHA-256 of their list, one line each of relative
     * path, space and the file's SHA-256, in path order.
     */
    public static DatasetManifest.Source directory(String format, Path dir) throws IOException {
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        StringBuilder list = new StringBuilder();
        long size = 0;
        for (Path f : files) {
            list.append(dir.relativize(f).toString().replace('\\', '/')).append(' ').append(JsonlFiles.sha256(f))
                    .append('\n');
            size += Files.size(f);
        }
        return DatasetManifest.Source.file(format, dir.toString(), size, JsonlFiles.sha256(list.toString()));
    }

    /** A table source: its rows in id order hashed as read (id, text, label). */
    public static DatasetManifest.Source table(DataSource dataSource, String jndiName, String table,
            FieldMapping fields) throws Exception {
        JdbcTableSource source = JdbcTableSource.open(dataSource, table, fields, 1000);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        long rows = 0;
        java.io.Serializable last = null;
        List<JdbcTableSource.Row> page;
        while (!(page = source.page(last)).isEmpty()) {
            for (JdbcTableSource.Row r : page) {
                d.update((r.id() + "\t" + r.text() + "\t" + r.label() + "\n").getBytes(StandardCharsets.UTF_8));
                rows++;
                last = r.key();
            }
        }
        return DatasetManifest.Source.table(jndiName, source.table(), rows, HexFormat.of().formatHex(d.digest()));
    }
}
