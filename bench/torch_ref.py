"""PyTorch reference for `aepo-lab bench`: the same `small` policy and PPO-style train step, timed the same way.

The model mirrors src-main/model/transformer.ts (pre-LayerNorm GPT with tanh GELU and an output head tied to the token
embedding; 2 layers, d 128, 4 heads, MLP 512, context 256, vocabulary 512). One step is batch 16 x 128 tokens:
forward, PPO-clip surrogate with entropy bonus and k3 KL, backward, global-norm clipping and AdamW.
Prints one JSON object on its last line. Needs only torch (Debian: apt-get install python3-torch).
"""
import json
import math
import statistics
import time

import torch
import torch.nn.functional as F

V, T, D, H, L, M, B, SEQ = 512, 256, 128, 4, 2, 512, 16, 128


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(D)
        self.qkv = torch.nn.Linear(D, 3 * D)
        self.out = torch.nn.Linear(D, D)
        self.ln2 = torch.nn.LayerNorm(D)
        self.fc = torch.nn.Linear(D, M)
        self.proj = torch.nn.Linear(M, D)

    def forward(self, x, mask):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=-1)
        q, k, v = (z.view(b, t, H, D // H).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D // H) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, D)
        x = x + self.out(y)
        return x + self.proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Policy(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = torch.nn.Embedding(V, D)
        self.wpe = torch.nn.Embedding(T, D)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(L))
        self.lnf = torch.nn.LayerNorm(D)

    def forward(self, ids):
        t = ids.shape[1]
        mask = torch.full((t, t), -1e9).triu(1)
        x = self.wte(ids) + self.wpe(torch.arange(t))
        for block in self.blocks:
            x = block(x, mask)
        return self.lnf(x) @ self.wte.weight.T


def main():
    torch.manual_seed(0)
    model = Policy()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-6, weight_decay=0.01)
    ids = torch.randint(0, V, (B, SEQ))
    adv = torch.randn(B, SEQ - 1)
    with torch.no_grad():
        old = F.log_softmax(model(ids)[:, :-1], -1).gather(-1, ids[:, 1:, None]).squeeze(-1) - 0.05

    def step():
        logp_all = F.log_softmax(model(ids)[:, :-1], -1)
        logp = logp_all.gather(-1, ids[:, 1:, None]).squeeze(-1)
        entropy = -(logp_all.exp() * logp_all).sum(-1)
        log_ratio = logp - old
        ratio = log_ratio.exp()
        surrogate = torch.minimum(ratio * adv, ratio.clamp(0.8, 1.28) * adv)
        kl = (-log_ratio).exp() - 1 + log_ratio
        loss = (-surrogate + 0.001 * kl - 0.001 * entropy).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    times = []
    for i in range(7):
        start = time.perf_counter()
        step()
        if i >= 2:
            times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"train_step_ms": round(statistics.median(times), 1), "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
