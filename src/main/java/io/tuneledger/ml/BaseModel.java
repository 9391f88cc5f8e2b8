package io.tuneledger.ml;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * The pretrained encoders Tuneledger ships, as found on the class path: each Maven artifact holds the ONNX weights
 * and the tokenizer.json at its root. In the server they come from the module {@code io.tuneledger.basemodels}.
 */
public enum BaseModel {

    /** sentence-transformers all-MiniLM-L6-v2: English, 6 layers, hidden size 384, mean pooling, no query prefix. */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", "en",
            new EncoderConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12f, Pooling.MEAN), ""),
    /** BAAI bge-small-zh-v1.5: Chinese, 4 layers, hidden size 512, CLS pooling. */
    BGE_SMALL_ZH_V15("bge-small-zh-v1.5", "bge-small-zh-v1.5.onnx", "bge-small-zh-v1.5-tokenizer.json", "zh",
            new EncoderConfig(21128, 512, 4, 8, 2048, 512, 2, 1e-12f, Pooling.CLS), "为这个句子生成表示以用于检索相关文章："),
    /** BAAI bge-small-en-v1.5: English, 12 layers, hidden size 384, CLS pooling. */
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", "en",
            new EncoderConfig(30522, 384, 12, 12, 1536, 512, 2, 1e-12f, Pooling.CLS),
            "Represent this sentence for searching relevant passages: ");

    private final String id;
    private final String onnxResource;
    private final String tokenizerResource;
    private final String language;
    private final EncoderConfig config;
    private final String queryPrefix;

    BaseModel(String id, String onnxResource, String tokenizerResource, String language, EncoderConfig config,
            String queryPrefix) {
        this.id = id;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.language = language;
        this.config = config;
        this.queryPrefix = queryPrefix;
    }

    /**
     * What retrieval puts before a query (never before a document), as each model's card documents it: bge's
     * instruction for short queries that look for passages; nothing for MiniLM, which was trained without one.
     */
    public String queryPrefix() {
        return queryPrefix;
    }

    /**
     * The encoder's shape. Sizes are also implied by the weights; the head count is not, so it is recorded here from
     * the models' published configurations (12 heads for MiniLM-L6 and bge-small-en-v1.5, 8 for bge-small-zh-v1.5),
     * and the pooling is the one each model was trained with (mean for sentence-transformers MiniLM, CLS for bge).
     */
    public EncoderConfig config() {
        return config;
    }

    /** The name used in the {@code base.model} parameter. */
    public String id() {
        return id;
    }

    public String language() {
        return language;
    }

    public String onnxResource() {
        return onnxResource;
    }

    public String tokenizerResource() {
        return tokenizerResource;
    }

    /** Opens the model's tokenizer.json; fails clearly when the model's artifact is not on the class path. */
    public InputStream openTokenizer() throws IOException {
        return open(tokenizerResource);
    }

    /** Opens the model's ONNX file. */
    public InputStream openOnnx() throws IOException {
        return open(onnxResource);
    }

    public static Optional<BaseModel> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    private InputStream open(String resource) throws IOException {
        ClassLoader loader = BaseModel.class.getClassLoader();
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("Base model " + id + ": resource " + resource + " is not on the class path"
                    + " (in the server it comes from the module io.tuneledger.basemodels)");
        }
        return in;
    }
}
