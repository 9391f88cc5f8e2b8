"""Plain-PyTorch reference for Tuneledger's decoder (the oracle of its parity tests), written from the Llama and Qwen2
definitions in Hugging Face's layout: RMSNorm, rotary position embeddings (rotate-half form, with the config's base
and linear or llama3 scaling), grouped-query attention, SwiGLU, tied or untied output embeddings, bias on q/k/v for
Qwen2. Nothing here imports transformers: the computation is spelled out so that it can be read against the Java.

  python3 bench/decoder_reference.py golden [DIR]   # tiny random models + golden logits and greedy continuations
                                                    # (default DIR: src/test/resources/decoder)
  python3 bench/decoder_reference.py qwen-shaped DIR   # random weights of Qwen2.5-0.5B's shape (bench/decoder.sh)
  python3 bench/decoder_reference.py speed DIR STEPS BATCH LENGTH PROMPT NEW   # the plain-PyTorch side of its timings

Each model directory holds what an enterprise would bring: config.json and model.safetensors (or shards with
model.safetensors.index.json), in the dtype the config names; golden.safetensors (float32 logits of each prompt,
computed from the weights as stored, i.e. after rounding to bf16/fp16) and golden.json (prompts, greedy
continuations, and the smallest gap between the best and second-best logit along them, so a test knows how much
numerical slack a continuation has)."""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

DTYPES = {"float32": (torch.float32, "F32"), "bfloat16": (torch.bfloat16, "BF16"), "float16": (torch.float16, "F16")}


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def inv_freq(cfg):
    d = head_dim(cfg)
    inv = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    scaling = cfg.get("rope_scaling")
    if not scaling:
        return inv
    kind = scaling.get("rope_type", scaling.get("type"))
    factor = scaling["factor"]
    if kind == "linear":
        return inv / factor
    if kind == "llama3":
        old = scaling["original_max_position_embeddings"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
        return torch.where(medium, smoothed, scaled)
    raise ValueError("rope_scaling type %s is not in the reference" % kind)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def forward(cfg, w, ids):
    """Logits [len, vocab] of one sequence of token ids (no cache, causal mask)."""
    hidden = batched(cfg, w, torch.tensor([ids]))[0]
    out = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return F.linear(hidden, out)


def greedy(cfg, w, ids, new_tokens):
    """Greedy continuation, and the smallest gap between the chosen and the runner-up logit."""
    seq, gap = list(ids), float("inf")
    for _ in range(new_tokens):
        top = forward(cfg, w, seq)[-1].topk(2)
        gap = min(gap, (top.values[0] - top.values[1]).item())
        seq.append(int(top.indices[0]))
    return seq[len(ids):], gap


def random_weights(cfg, seed):
    """Random weights in Hugging Face's names and [out, in] layout, rounded to the config's dtype. The spread is wider
    than a trained model's initialisation so that logits differ clearly and greedy choices are not near-ties."""
    g = torch.Generator().manual_seed(seed)
    hidden, inter, vocab = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    heads, kv, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)

    def normal(*shape, std=0.08):
        return torch.randn(*shape, generator=g) * std

    w = {"model.embed_tokens.weight": normal(vocab, hidden, std=1.0)}
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        w[p + "input_layernorm.weight"] = 1 + normal(hidden, std=0.1)
        for name, rows in (("q_proj", heads * d), ("k_proj", kv * d), ("v_proj", kv * d)):
            w[p + "self_attn." + name + ".weight"] = normal(rows, hidden, std=1 / math.sqrt(hidden))
            if qkv_bias:
                w[p + "self_attn." + name + ".bias"] = normal(rows, std=0.2)
        w[p + "self_attn.o_proj.weight"] = normal(hidden, heads * d, std=1 / math.sqrt(heads * d))
        if cfg.get("attention_bias", False):
            w[p + "self_attn.o_proj.bias"] = normal(hidden, std=0.2)
        w[p + "post_attention_layernorm.weight"] = 1 + normal(hidden, std=0.1)
        w[p + "mlp.gate_proj.weight"] = normal(inter, hidden, std=1 / math.sqrt(hidden))
        w[p + "mlp.up_proj.weight"] = normal(inter, hidden, std=1 / math.sqrt(hidden))
        w[p + "mlp.down_proj.weight"] = normal(hidden, inter, std=1 / math.sqrt(inter))
    w["model.norm.weight"] = 1 + normal(hidden, std=0.1)
    if not cfg.get("tie_word_embeddings"):
        w["lm_head.weight"] = normal(vocab, hidden, std=1 / math.sqrt(hidden) * 3)
    dtype = DTYPES[cfg["torch_dtype"]][0]
    return {k: v.to(dtype).float() for k, v in w.items()}


def write_safetensors(path, tensors, dtype_name, metadata=None):
    dtype, tag = DTYPES[dtype_name]
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        raw = t.to(dtype).contiguous()
        data = (raw.view(torch.int16) if raw.element_size() == 2 else raw).numpy().tobytes()
        header[name] = {"dtype": tag, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for b in blobs:
            f.write(b)


def save_model(directory, cfg, w, shards):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    names = list(w)
    if shards == 1:
        write_safetensors(os.path.join(directory, "model.safetensors"), w, cfg["torch_dtype"], {"format": "pt"})
        return
    per = math.ceil(len(names) / shards)
    size = torch.tensor([], dtype=DTYPES[cfg["torch_dtype"]][0]).element_size()
    index = {"metadata": {"total_size": sum(t.numel() * size for t in w.values())},
             "weight_map": {}}
    for s in range(shards):
        file = "model-%05d-of-%05d.safetensors" % (s + 1, shards)
        part = {n: w[n] for n in names[s * per:(s + 1) * per]}
        write_safetensors(os.path.join(directory, file), part, cfg["torch_dtype"], {"format": "pt"})
        index["weight_map"].update({n: file for n in part})
    with open(os.path.join(directory, "model.safetensors.index.json"), "w") as f:
        json.dump(index, f, indent=2)


# The tiny configurations the Java decoder must match: between them they cover grouped-query and multi-query
# attention, an explicit head_dim, llama3 and linear rope scaling, tied and untied output, q/k/v bias, the three
# dtypes and a sharded checkpoint.
CONFIGS = {
    "llama-gqa-bf16-sharded": ({
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 320, "hidden_size": 64,
        "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "max_position_embeddings": 128, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 64},
        "tie_word_embeddings": False, "attention_bias": False, "mlp_bias": False, "hidden_act": "silu",
        "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16"}, 2),
    "qwen2-mqa-tied-fp16": ({
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 288, "hidden_size": 48,
        "intermediate_size": 80, "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 1,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": True,
        "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float16"}, 1),
    "llama-headdim-linear-f32": ({
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 256, "hidden_size": 64,
        "intermediate_size": 112, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 4,
        "head_dim": 24, "max_position_embeddings": 128, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "rope_scaling": {"type": "linear", "factor": 2.0}, "tie_word_embeddings": False, "attention_bias": True,
        "mlp_bias": False, "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2,
        "torch_dtype": "float32"}, 1),
}
PROMPTS = [[1, 17, 42, 99, 7, 250, 31], [1, 5, 6, 7, 8, 9, 10, 11, 200, 13, 14]]
# A byte-level BPE tokenizer for the Qwen2-shaped tiny model, in Hugging Face's tokenizer.json layout: ids 0-2 the
# special tokens (<|endoftext|>, <|im_start|> = bos 1, <|im_end|> = eos 2), 3-258 the 256 bytes as GPT-2 maps them to
# characters, then merges of common English pairs up to the vocabulary size. With it, a tokenizer_config.json that
# carries a ChatML chat template, as Qwen2's does.
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MERGES = ["\u0120 t", "h e", "\u0120 a", "i n", "e r", "o n", "\u0120t he", "r e", "a n", "\u0120 s", "o u", "e n",
          "\u0120 w", "a t", "\u0120 o", "i s", "e d", "\u0120 c", "o r", "i t", "\u0120 b", "a r", "\u0120 f",
          "in g", "\u0120 m", "l l", "\u0120 p", "e s", "\u0120 i"]
CHATML = ("{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + "
          "'<|im_end|>' + '\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
          "{%- endif %}")


def byte_characters():
    """GPT-2's reversible map from bytes to printable characters (byte-level BPE's alphabet)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) \
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    chars, extra = printable[:], 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in chars)))


def save_tokenizer(directory, vocab_size):
    vocab = {t: i for i, t in enumerate(SPECIALS)}
    for b, c in sorted(byte_characters().items()):
        vocab[c] = len(vocab)
    merges = MERGES[:vocab_size - len(vocab)]
    for m in merges:
        vocab["".join(m.split(" "))] = len(vocab)
    assert len(vocab) == vocab_size, len(vocab)
    level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, t in enumerate(SPECIALS)],
        "normalizer": None, "pre_tokenizer": level, "post_processor": level, "decoder": level,
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": vocab,
                  "merges": merges}}
    with open(os.path.join(directory, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    with open(os.path.join(directory, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
                   "model_max_length": 256, "chat_template": CHATML}, f, ensure_ascii=False, indent=1)
NEW_TOKENS = 16


def golden(root):
    torch.manual_seed(0)
    for seed, (name, (cfg, shards)) in enumerate(CONFIGS.items()):
        w = random_weights(cfg, 1000 + seed)
        directory = os.path.join(root, name)
        save_model(directory, cfg, w, shards)
        logits = {"logits.%d" % i: forward(cfg, w, p) for i, p in enumerate(PROMPTS)}
        write_safetensors(os.path.join(directory, "golden.safetensors"), logits, "float32")
        continuations, gaps = zip(*(greedy(cfg, w, p, NEW_TOKENS) for p in PROMPTS))
        with open(os.path.join(directory, "golden.json"), "w") as f:
            json.dump({"prompts": PROMPTS, "greedy": continuations, "smallest_gap": min(gaps),
                       "torch": torch.__version__}, f)
            f.write("\n")
        if cfg["model_type"] == "qwen2":
            save_tokenizer(directory, cfg["vocab_size"])
        print("%s: %d parameters, smallest greedy gap %.4f" % (name, sum(t.numel() for t in w.values()), min(gaps)))


# Qwen2.5-0.5B's shape (its published config.json), for speed and memory; random weights.
QWEN25_05B = {
    "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 151936, "hidden_size": 896,
    "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
    "max_position_embeddings": 32768, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "tie_word_embeddings": True,
    "hidden_act": "silu", "bos_token_id": 151643, "eos_token_id": 151645, "torch_dtype": "bfloat16"}


def batched(cfg, w, ids, lora=None, scale=0.0, cache=None, start=0):
    """Final hidden states [b, t, hidden] of token ids [b, t] at positions start.. (no padding, causal mask), with
    LoRA on the projections named in lora ({name: (A, B)}) and a key/value cache (a list per layer, extended in place)
    when given."""
    b, t = ids.shape
    heads, kv, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    eps = cfg["rms_norm_eps"]
    freqs = torch.outer(torch.arange(start, start + t).float(), inv_freq(cfg))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    total = start + t
    causal = torch.full((t, total), float("-inf")).triu(start + 1)
    x = F.embedding(ids, w["model.embed_tokens.weight"])
    for i in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % i
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)

        def proj(name):
            out = F.linear(h, w[p + name + ".weight"], w.get(p + name + ".bias"))
            if lora is not None and p + name in lora:
                a, bb = lora[p + name]
                out = out + F.linear(F.linear(h, a), bb) * scale
            return out

        q = proj("self_attn.q_proj").view(b, t, heads, d).transpose(1, 2)
        k = proj("self_attn.k_proj").view(b, t, kv, d).transpose(1, 2)
        v = proj("self_attn.v_proj").view(b, t, kv, d).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        if cache is not None:
            if len(cache) <= i:
                cache.append((k, v))
            else:
                k, v = torch.cat((cache[i][0], k), 2), torch.cat((cache[i][1], v), 2)
                cache[i] = (k, v)
        k, v = k.repeat_interleave(heads // kv, dim=1), v.repeat_interleave(heads // kv, dim=1)
        probs = (q @ k.transpose(-1, -2) / math.sqrt(d) + causal).softmax(-1)
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, heads * d)
        x = x + F.linear(ctx, w[p + "self_attn.o_proj.weight"], w.get(p + "self_attn.o_proj.bias"))
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        x = x + F.linear(F.silu(F.linear(h, w[p + "mlp.gate_proj.weight"])) * F.linear(h, w[p + "mlp.up_proj.weight"]),
                         w[p + "mlp.down_proj.weight"])
    return rms_norm(x, w["model.norm.weight"], eps)


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return -1


def speed(directory, steps, batch, length, prompt, new_tokens):
    """LoRA training steps (rank 8 on q/v, AdamW, loss on the second half of each sequence) and greedy generation
    with a cache, on the model stored in directory; prints key=value lines as bench/decoder.sh reads them."""
    import time
    with open(os.path.join(directory, "config.json")) as f:
        cfg = json.load(f)
    w = {}
    for name in sorted(os.listdir(directory)):
        if name.endswith(".safetensors"):
            w.update(read_safetensors(os.path.join(directory, name)))
    g = torch.Generator().manual_seed(7)
    lora = {}
    for i in range(cfg["num_hidden_layers"]):
        for name in ("self_attn.q_proj", "self_attn.v_proj"):
            out_f, in_f = w["model.layers.%d.%s.weight" % (i, name)].shape
            lora["model.layers.%d.%s" % (i, name)] = (
                ((torch.rand(8, in_f, generator=g) * 2 - 1) / math.sqrt(in_f)).requires_grad_(),
                torch.zeros(out_f, 8).requires_grad_())
    opt = torch.optim.AdamW([t for pair in lora.values() for t in pair], lr=1e-4, weight_decay=0.01)
    ids = torch.randint(1000, 100000, (batch, length), generator=g)
    half = length // 2
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        hidden = batched(cfg, w, ids, lora, 2.0)[:, half - 1:-1]
        logits = F.linear(hidden.reshape(-1, cfg["hidden_size"]), w["model.embed_tokens.weight"])
        loss = F.cross_entropy(logits, ids[:, half:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_([t for pair in lora.values() for t in pair], 1.0)
        opt.step()
        opt.zero_grad()
        times.append(time.perf_counter() - t0)
    steady = sorted(times[1:])
    print("train_seconds_per_step=%.3f" % steady[len(steady) // 2])
    print("train_tokens_per_second=%.1f" % (batch * length / steady[len(steady) // 2]))
    with torch.no_grad():
        prompt_ids = ids[:1, :prompt]
        for _ in range(2):
            cache = []
            t0 = time.perf_counter()
            hidden = batched(cfg, w, prompt_ids, cache=cache)
            token = F.linear(hidden[:, -1], w["model.embed_tokens.weight"]).argmax(-1, keepdim=True)
            for step in range(new_tokens - 1):
                hidden = batched(cfg, w, token, cache=cache, start=prompt + step)
                token = F.linear(hidden[:, -1], w["model.embed_tokens.weight"]).argmax(-1, keepdim=True)
            seconds = time.perf_counter() - t0
    print("generation_tokens_per_second=%.1f" % (new_tokens / seconds))
    print("peak_rss_mb=%d" % peak_rss_mb())
    print("torch_version=%s" % torch.__version__)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        raw = bytearray(data[begin:end])
        if spec["dtype"] == "BF16":
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16).float()
        elif spec["dtype"] == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16).float()
        else:
            t = torch.frombuffer(raw, dtype=torch.float32).clone()
        out[name] = t.reshape(spec["shape"])
    return out


def qwen_shaped(directory):
    """Random weights of Qwen2.5-0.5B's shape, stored in bfloat16 as the published model is (about 1 GB)."""
    w = random_weights(QWEN25_05B, 2024)
    save_model(directory, QWEN25_05B, w, 2)


if __name__ == "__main__":
    torch.set_num_threads(2)
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "golden":
        golden(sys.argv[2] if len(sys.argv) > 2 else "src/test/resources/decoder")
    elif command == "qwen-shaped":
        qwen_shaped(sys.argv[2])
    elif command == "speed":
        speed(sys.argv[2], *(int(a) for a in sys.argv[3:8]))
    else:
        sys.exit(__doc__)
