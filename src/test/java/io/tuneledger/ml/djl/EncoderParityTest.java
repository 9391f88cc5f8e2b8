package io.tuneledger.ml.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.tuneledger.ml.BaseModel;
import io.tuneledger.ml.weights.OnnxBertImporter;
import io.tuneledger.ml.weights.Tensor;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DJL encoder with weights imported from a shipped ONNX file computes what ONNX Runtime computes from that same
 * file: last hidden state within 1e-4 on every non-padding token, for 20 English and 20 Chinese sentences.
 */
class EncoderParityTest {

    static final List<String> ENGLISH = List.of(
            "Your account has been suspended, click here to verify your password.",
            "Can we move the quarterly review to Thursday afternoon?",
            "The claim was filed on 3 March and is still pending approval.",
            "WIN A FREE CRUISE!!! Reply now to claim your prize.",
            "Patient reports mild headache and nausea after the second dose.",
            "Please find attached the signed contract for the new office lease.",
            "I think the build broke because of the dependency upgrade.",
            "Limited offer: cheap meds without prescription, shipped worldwide.",
            "Thanks for the quick turnaround on the audit findings.",
            "The printer on the third floor is out of toner again.",
            "Reminder: your subscription renews tomorrow.",
            "Hi",
            "Meeting notes: budget approved, hiring freeze lifted, next review in June.",
            "We regret to inform you that your application was not successful.",
            "URGENT: wire transfer needed today, CEO is travelling and cannot call.",
            "Does anyone know how to configure the VPN on Linux?",
            "Fine-tuning a pretrained encoder needs only a few hundred labelled examples.",
            "The insurer denied the claim citing a pre-existing condition.",
            "Lunch is on me today, see you at noon at the usual place.",
            "Congratulations! You have been selected for an exclusive investment opportunity that guarantees "
                    + "returns of 300 percent within thirty days, no risk, act now before it is too late.");

    static final List<String> CHINESE = List.of(
            "您的账户已被冻结，请点击链接验证密码。",
            "我们可以把季度评审改到周四下午吗？",
            "理赔申请已于三月三日提交，目前仍在审核中。",
            "恭喜您中奖了！请立即回复领取奖品。",
            "患者在第二剂后出现轻微头痛和恶心。",
            "附件是新办公室租赁的签署合同。",
            "我认为构建失败是因为依赖升级。",
            "限时优惠：无需处方的廉价药品，全球发货。",
            "感谢你们快速处理审计发现的问题。",
            "三楼的打印机又没有墨粉了。",
            "提醒：您的订阅将于明天续费。",
            "你好",
            "会议纪要：预算已批准，招聘冻结解除，下次评审在六月。",
            "很遗憾地通知您，您的申请未获通过。",
            "紧急：今天需要电汇，总经理在出差无法接电话。",
            "有人知道如何在Linux上配置VPN吗？",
            "微调预训练编码器只需要几百个标注样本。",
            "保险公司以既往病症为由拒绝了理赔。",
            "今天午饭我请客，中午老地方见。",
            "恭喜您被选中参加一个独家投资机会，保证三十天内获得百分之三百的回报，零风险，请立即行动。");

    @ParameterizedTest
    @EnumSource(BaseModel.class)
    void lastHiddenStateMatchesOnnxRuntime(BaseModel base) throws Exception {
        List<String> sentences = base == BaseModel.BGE_SMALL_ZH_V15 ? CHINESE : ENGLISH;
        byte[] onnx;
        try (InputStream in = base.openOnnx()) {
            onnx = in.readAllBytes();
        }
        TokenBatch batch;
        try (InputStream in = base.openTokenizer(); TextTokenizer tokenizer = TextTokenizer.load(in, 128)) {
            batch = tokenizer.batch(sentences);
        }
        assertTrue(batch.length() > 20, "sentences of different lengths, so padding is exercised");

        float[][][] expected = onnxRuntime(onnx, batch);
        Map<String, Tensor> weights = OnnxBertImporter.importEncoder(ByteBuffer.wrap(onnx), base.config(), base.id());
        float maxDiff = 0;
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                BertClassifierModel model = BertClassifierModel.create(manager, base.config(), 2, weights, null, 1)) {
            NDArray hidden = model.encode(manager, batch, false, 0f);
            assertEquals(List.of((long) batch.size(), (long) batch.length(), (long) base.config().hiddenSize()),
                    java.util.Arrays.stream(hidden.getShape().getShape()).boxed().toList());
            float[] actual = hidden.toFloatArray();
            int h = base.config().hiddenSize();
            for (int i = 0; i < batch.size(); i++) {
                for (int t = 0; t < batch.length(); t++) {
                    if (batch.attentionMask()[i][t] == 0) {
                        continue;
                    }
                    for (int d = 0; d < h; d++) {
                        float a = actual[(i * batch.length() + t) * h + d];
                        maxDiff = Math.max(maxDiff, Math.abs(a - expected[i][t][d]));
                    }
                }
            }
        }
        System.out.printf("%s: max abs difference to ONNX Runtime %.3g%n", base.id(), maxDiff);
        assertTrue(maxDiff <= 1e-4f, base.id() + ": max abs difference " + maxDiff);
    }

    private static float[][][] onnxRuntime(byte[] onnx, TokenBatch batch) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            try {
                for (String name : session.getInputNames()) {
                    long[][] values = switch (name) {
                        case "input_ids" -> batch.inputIds();
                        case "attention_mask" -> batch.attentionMask();
                        case "token_type_ids" -> batch.tokenTypeIds();
                        default -> throw new IllegalStateException("unexpected ONNX input " + name);
                    };
                    inputs.put(name, OnnxTensor.createTensor(env, values));
                }
                try (OrtSession.Result result = session.run(inputs)) {
                    return (float[][][]) result.get(0).getValue();
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }
}
