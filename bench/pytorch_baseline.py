"""Plain PyTorch baseline for bench/model-core.sh: a BERT of all-MiniLM-L6-v2's shape (vocab 30522, hidden 384,
6 layers, 12 heads, intermediate 1536) written the way Hugging Face's eager BertModel computes it, with a
classification head on mean pooling, trained with torch.optim.AdamW and gradient clipping like Tuneledger's loop.
Random weights: speed does not depend on their values. Prints key=value lines."""
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 12
BATCHES = int(sys.argv[2]) if len(sys.argv) > 2 else 8
torch.set_num_threads(2)
torch.manual_seed(42)


class Layer(nn.Module):
    def __init__(self, h=384, heads=12, inter=1536, p=0.1):
        super().__init__()
        self.heads, self.hs = heads, h // heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(h, eps=1e-12), nn.LayerNorm(h, eps=1e-12)
        self.i, self.out = nn.Linear(h, inter), nn.Linear(inter, h)
        self.p = p

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.hs).transpose(1, 2)

    def forward(self, x, mask):
        b, t, h = x.shape
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.hs) + mask
        probs = F.dropout(scores.softmax(-1), self.p, self.training)
        ctx = (probs @ v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(F.dropout(self.o(ctx), self.p, self.training) + x)
        y = self.out(F.gelu(self.i(x)))
        return self.ln2(F.dropout(y, self.p, self.training) + x)


class Model(nn.Module):
    def __init__(self, vocab=30522, h=384, layers=6, labels=2, p=0.1):
        super().__init__()
        self.word, self.pos, self.types = nn.Embedding(vocab, h), nn.Embedding(512, h), nn.Embedding(2, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(layers))
        self.cls = nn.Linear(h, labels)
        self.p = p

    def forward(self, ids, mask):
        t = ids.shape[1]
        x = self.word(ids) + self.pos(torch.arange(t)) + self.types(torch.zeros_like(ids))
        x = F.dropout(self.ln(x), self.p, self.training)
        add = (mask[:, None, None, :].float() - 1.0) * 1e9
        for layer in self.layers:
            x = layer(x, add)
        m = mask[:, :, None].float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.cls(F.dropout(pooled, self.p, self.training))


model = Model()
no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "ln" in n]
decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "ln" in n)]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                        lr=5e-5)
# Inference first, then training: both sides measure in the same order, each from a fresh start.
model.eval()
ids = torch.randint(1000, 30000, (32, 128))
mask = torch.ones(32, 128, dtype=torch.long)
with torch.no_grad():
    model(ids, mask)
    t0 = time.perf_counter()
    for _ in range(BATCHES):
        model(ids, mask)
    seconds = time.perf_counter() - t0
print("inference_sentences_per_second=%.1f" % (BATCHES * 32 / seconds))
ids = torch.randint(1000, 30000, (16, 128))
mask = torch.ones(16, 128, dtype=torch.long)
y = torch.randint(0, 2, (16,))
times = []
model.train()
for step in range(STEPS):
    t0 = time.perf_counter()
    loss = F.cross_entropy(model(ids, mask), y)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    times.append(time.perf_counter() - t0)
print("train_seconds_per_step=%.3f" % statistics.median(times[2:]))

print("torch_version=%s" % torch.__version__)
