package io.tuneledger.ml.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of an ONNX model: its float initializers and, for each one, the nodes that consume it. Exported
 * transformers name most initializers after the PyTorch parameter, but a Linear layer's weight becomes an anonymous
 * {@code onnx::MatMul_N} whose consuming node's name ({@code /encoder/layer.0/attention/self/query/MatMul}) is the
 * only trace of where it belongs.
 */
public final class OnnxInitializers {

    private static final int FLOAT = 1;

    /** A graph node: its name, operator and inputs. */
    public record Node(String name, String opType, List<String> inputs) {
    }

    private final Map<String, Tensor> initializers;
    private final List<Node> nodes;

    private OnnxInitializers(Map<String, Tensor> initializers, List<Node> nodes) {
        this.initializers = initializers;
        this.nodes = nodes;
    }

    /** Parses a serialized ONNX ModelProto. */
    public static OnnxInitializers parse(ByteBuffer model) throws IOException {
        ProtobufReader reader = new ProtobufReader(model);
        while (reader.hasMore()) {
            int tag = reader.readTag();
            if (tag >>> 3 == 7 && (tag & 7) == ProtobufReader.LENGTH_DELIMITED) {
                return parseGraph(reader.readBytes());
            }
            reader.skip(tag & 7);
        }
        throw new IOException("Not an ONNX model: no graph found");
    }

    public Map<String, Tensor> initializers() {
        return initializers;
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The nodes that take {@code input} as one of their inputs. */
    public List<Node> consumersOf(String input) {
        return nodes.stream().filter(n -> n.inputs().contains(input)).toList();
    }

    private static OnnxInitializers parseGraph(ByteBuffer graph) throws IOException {
        ProtobufReader reader = new ProtobufReader(graph);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        while (reader.hasMore()) {
            int tag = reader.readTag();
            int field = tag >>> 3;
            if (field == 1 && (tag & 7) == ProtobufReader.LENGTH_DELIMITED) {
                nodes.add(parseNode(reader.readBytes()));
            } else if (field == 5 && (tag & 7) == ProtobufReader.LENGTH_DELIMITED) {
                Tensor t = parseTensor(reader.readBytes());
                if (t != null) {
                    tensors.put(t.name(), t);
                }
            } else {
                reader.skip(tag & 7);
            }
        }
        return new OnnxInitializers(tensors, nodes);
    }

    private static Node parseNode(ByteBuffer bytes) throws IOException {
        ProtobufReader reader = new ProtobufReader(bytes);
        List<String> inputs = new ArrayList<>();
        String name = "";
        String op = "";
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (tag >>> 3) {
                case 1 -> inputs.add(reader.readString());
                case 3 -> name = reader.readString();
                case 4 -> op = reader.readString();
                default -> reader.skip(tag & 7);
            }
        }
        return new Node(name, op, List.copyOf(inputs));
    }

    /** A float tensor, or null for other element types (int64 shape constants and the like). */
    private static Tensor parseTensor(ByteBuffer bytes) throws IOException {
        ProtobufReader reader = new ProtobufReader(bytes);
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        List<Float> floats = new ArrayList<>();
        while (reader.hasMore()) {
            int tag = reader.readTag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (field == 1 && wire == ProtobufReader.VARINT) {
                dims.add(reader.readVarint());
            } else if (field == 1 && wire == ProtobufReader.LENGTH_DELIMITED) {
                ProtobufReader packed = new ProtobufReader(reader.readBytes());
                while (packed.hasMore()) {
                    dims.add(packed.readVarint());
                }
            } else if (field == 2 && wire == ProtobufReader.VARINT) {
                dataType = (int) reader.readVarint();
            } else if (field == 4 && wire == ProtobufReader.LENGTH_DELIMITED) {
                ByteBuffer packed = reader.readBytes();
                while (packed.remaining() >= 4) {
                    floats.add(packed.getFloat());
                }
            } else if (field == 8 && wire == ProtobufReader.LENGTH_DELIMITED) {
                name = reader.readString();
            } else if (field == 9 && wire == ProtobufReader.LENGTH_DELIMITED) {
                raw = reader.readBytes();
            } else if (field == 14 && wire == ProtobufReader.VARINT) {
                if (reader.readVarint() == 1) {
                    throw new IOException("Tensor " + name + " keeps its data in an external file: not supported");
                }
            } else {
                reader.skip(wire);
            }
        }
        if (dataType != FLOAT) {
            return null;
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        float[] data;
        if (raw != null) {
            data = new float[raw.remaining() / 4];
            raw.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        } else {
            data = new float[floats.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = floats.get(i);
            }
        }
        return new Tensor(name, shape, data);
    }
}
