package io.tuneledger.ml.djl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph being built: nodes in execution order, initializers, typed inputs and outputs, serialised as a
 * ModelProto (field numbers of onnx.proto). Node outputs get unique names from the node's own name.
 */
final class OnnxGraph {

    /** ONNX element types (TensorProto.DataType). */
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;

    /** IR version 8 and opset 17 (LayerNormalization): read by every ONNX Runtime since 1.13. */
    private static final long IR_VERSION = 8;
    private static final long OPSET = 17;
    /** ONNX Runtime's own operators (contrib ops: fused attention, skip LayerNorm), version 1 of their domain. */
    static final String MICROSOFT = "com.microsoft";

    /** A node attribute (AttributeProto). */
    record Attribute(String name, Protobuf value) {

        static Attribute integer(String name, long value) {
            return new Attribute(name, new Protobuf().string(1, name).varint(3, value).varint(20, 2));
        }

        static Attribute real(String name, float value) {
            return new Attribute(name, new Protobuf().string(1, name).float32(2, value).varint(20, 1));
        }

        static Attribute integers(String name, long... values) {
            Protobuf p = new Protobuf().string(1, name);
            for (long v : values) {
                p.varint(8, v);
            }
            return new Attribute(name, p.varint(20, 7));
        }

        /** A subgraph (the branch of an {@code If}): its nodes may read any value of the graphs around it. */
        static Attribute graph(String name, OnnxGraph subgraph) {
            return new Attribute(name, new Protobuf().string(1, name).message(6, subgraph.graph()).varint(20, 5));
        }
    }

    private final String name;
    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private final List<Protobuf> inputs = new ArrayList<>();
    private final List<Protobuf> outputs = new ArrayList<>();
    private boolean usesMicrosoft;

    /** The graph this one is a branch of, or null. */
    private final OnnxGraph parent;

    OnnxGraph(String name) {
        this(name, null);
    }

    private OnnxGraph(String name, OnnxGraph parent) {
        this.name = name;
        this.parent = parent;
    }

    /** A new subgraph of this one, for {@link Attribute#graph}: its initializers are this graph's own. */
    OnnxGraph branch(String branchName) {
        return new OnnxGraph(branchName, this);
    }

    String name() {
        return name;
    }

    private void markMicrosoft() {
        usesMicrosoft = true;
        if (parent != null) {
            parent.markMicrosoft();
        }
    }

    /** Adds a node whose single output is named after it; answers that output. */
    String node(String opType, String nodeName, List<String> in, Attribute... attributes) {
        return nodes(opType, nodeName, in, 1, attributes).get(0);
    }

    /** Adds a node with {@code outputCount} outputs ({@code name:0}, {@code name:1}, ...); answers their names. */
    List<String> nodes(String opType, String nodeName, List<String> in, int outputCount, Attribute... attributes) {
        return nodes("", opType, nodeName, in, outputCount, attributes);
    }

    /** Adds a node of ONNX Runtime's {@link #MICROSOFT} domain with a single output; answers that output. */
    String microsoft(String opType, String nodeName, List<String> in, Attribute... attributes) {
        markMicrosoft();
        return nodes(MICROSOFT, opType, nodeName, in, 1, attributes).get(0);
    }

    private List<String> nodes(String domain, String opType, String nodeName, List<String> in, int outputCount,
            Attribute... attributes) {
        Protobuf node = new Protobuf();
        for (String i : in) {
            node.string(1, i);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputCount; i++) {
            String o = outputCount == 1 ? nodeName : nodeName + ":" + i;
            out.add(o);
            node.string(2, o);
        }
        node.string(3, nodeName).string(4, opType);
        for (Attribute a : attributes) {
            node.message(5, a.value());
        }
        if (!domain.isEmpty()) {
            node.string(7, domain);
        }
        nodes.add(node);
        return out;
    }

    /** A float initializer; answers its name. */
    String floats(String tensorName, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(tensorName, FLOAT, dims, raw.array());
    }

    /** An int64 initializer; answers its name. */
    String longs(String tensorName, long[] dims, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(tensorName, INT64, dims, raw.array());
    }

    /** An int32 initializer; answers its name. */
    String ints(String tensorName, long[] dims, int... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asIntBuffer().put(values);
        return initializer(tensorName, INT32, dims, raw.array());
    }

    /** An int8 or uint8 initializer; answers its name. */
    String bytes(String tensorName, int type, long[] dims, byte[] values) {
        return initializer(tensorName, type, dims, values);
    }

    private String initializer(String tensorName, int type, long[] dims, byte[] raw) {
        if (parent != null) {
            return parent.initializer(tensorName, type, dims, raw);
        }
        Protobuf t = new Protobuf();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, type).string(8, tensorName).bytes(9, raw);
        initializers.add(t);
        return tensorName;
    }

    /** A graph input; a dimension is a number or the name of a free dimension ({@code batch}). */
    void input(String valueName, int type, Object... dims) {
        inputs.add(valueInfo(valueName, type, dims));
    }

    void output(String valueName, int type, Object... dims) {
        outputs.add(valueInfo(valueName, type, dims));
    }

    private static Protobuf valueInfo(String valueName, int type, Object... dims) {
        Protobuf shape = new Protobuf();
        for (Object d : dims) {
            shape.message(1, d instanceof Number n ? new Protobuf().varint(1, n.longValue())
                    : new Protobuf().string(2, d.toString()));
        }
        Protobuf tensor = new Protobuf().varint(1, type).message(2, shape);
        return new Protobuf().string(1, valueName).message(2, new Protobuf().message(1, tensor));
    }

    /** The serialised ModelProto, with {@code metadata} as its metadata properties. */
    byte[] model(String producer, String producerVersion, Map<String, String> metadata) {
        Protobuf graph = graph();
        Protobuf model = new Protobuf().varint(1, IR_VERSION).string(2, producer).string(3, producerVersion)
                .message(7, graph)
                .message(8, new Protobuf().string(1, "").varint(2, OPSET));
        if (usesMicrosoft) {
            model.message(8, new Protobuf().string(1, MICROSOFT).varint(2, 1));
        }
        metadata.forEach((k, v) -> model.message(14, new Protobuf().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    /** The GraphProto. */
    private Protobuf graph() {
        Protobuf graph = new Protobuf();
        for (Protobuf n : nodes) {
            graph.message(1, n);
        }
        graph.string(2, name);
        for (Protobuf t : initializers) {
            graph.message(5, t);
        }
        for (Protobuf i : inputs) {
            graph.message(11, i);
        }
        for (Protobuf o : outputs) {
            graph.message(12, o);
        }
        return graph;
    }
}
