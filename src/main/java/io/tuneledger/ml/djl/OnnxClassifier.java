package io.tuneledger.ml.djl;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.tuneledger.ml.LengthBatches;
import io.tuneledger.ml.Predictor;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classifier's ONNX export ({@link BertOnnxExport}) run by ONNX Runtime, with the model's own tokenizer cut at the
 * length it was trained with: batches of 32 texts, bucketed by token length or in input order
 * ({@link LengthBatches}), probabilities in the model's label order.
 */
public final class OnnxClassifier implements Predictor {

    static final int BATCH_SIZE = 32;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final TextTokenizer tokenizer;
    private final List<String> labels;
    private final boolean bucketing;

    private OnnxClassifier(OrtEnvironment env, OrtSession session, TextTokenizer tokenizer, List<String> labels,
            boolean bucketing) {
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.labels = labels;
        this.bucketing = bucketing;
    }

    /**
     * Opens {@code onnxFile} (an export: its metadata names the labels and the token length the model was trained
     * with) with the model's tokenizer; {@code threads} is ONNX Runtime's intra-operator thread count (0: its default,
     * one per core).
     */
    public static OnnxClassifier open(Path onnxFile, Path tokenizerJson, boolean bucketing, int threads)
            throws IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            session = env.createSession(onnxFile.toString(), options);
        } catch (OrtException | RuntimeException e) {
            throw new IOException("ONNX Runtime cannot open " + onnxFile + ": " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            List<String> labels;
            try (JsonReader r = Json.createReader(new StringReader(metadata.get("labels")))) {
                labels = r.readArray().getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
            }
            TextTokenizer tokenizer = TextTokenizer.load(in, Integer.parseInt(metadata.get("max_length")));
            return new OnnxClassifier(env, session, tokenizer, labels, bucketing);
        } catch (OrtException | IOException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof IOException io ? io : new IOException("The export " + onnxFile + " lacks its labels"
                    + " or token length: " + e.getMessage(), e);
        }
    }

    public List<String> labels() {
        return labels;
    }

    @Override
    public List<Prediction> predict(List<String> texts) {
        return Predictor.predictions(labels, probabilities(tokenIds(texts)));
    }

    /** The texts' token ids, special tokens added, cut at the model's length. */
    public List<long[]> tokenIds(List<String> texts) {
        return texts.stream().map(tokenizer::ids).toList();
    }

    /** Probabilities [text][label] of pre-tokenized texts, in their order. */
    public float[][] probabilities(List<long[]> tokenIds) {
        float[][] out = new float[tokenIds.size()][];
        LengthBatches.forEach(tokenIds, BATCH_SIZE, bucketing, (positions, sequences) -> {
            float[][] rows = run(tokenizer.pad(sequences));
            for (int j = 0; j < positions.size(); j++) {
                out[positions.get(j)] = rows[j];
            }
        });
        return out;
    }

    private float[][] run(TokenBatch batch) {
        long[] shape = {batch.size(), batch.length()};
        try (OnnxTensor ids = tensor(batch.inputIds(), shape);
                OnnxTensor mask = tensor(batch.attentionMask(), shape);
                OnnxTensor types = tensor(batch.tokenTypeIds(), shape);
                OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                        "token_type_ids", types), Set.of("probabilities"))) {
            return (float[][]) result.get(0).getValue();
        } catch (OrtException e) {
            throw new UncheckedIOException(new IOException("ONNX Runtime failed on a batch of " + batch.size()
                    + " texts: " + e.getMessage(), e));
        }
    }

    private OnnxTensor tensor(long[][] rows, long[] shape) throws OrtException {
        LongBuffer flat = LongBuffer.allocate(rows.length * (int) shape[1]);
        for (long[] row : rows) {
            flat.put(row);
        }
        flat.flip();
        return OnnxTensor.createTensor(env, flat, shape);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            tokenizer.close();
        }
    }
}
