#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turns epsim_bench's JSON output into plots and the generated part of
docs/benchmarks.md.

    python3 bench/plot.py bench/out/results.json --img docs/img --doc docs/benchmarks.md

Times are the median over repetitions of the benchmark thread's CPU time
(--time real for wall time): the machine is shared, and CPU time is what a
descheduled benchmark does not inflate.  For the host it includes the time
spent in the kernel on the thread's behalf.

Writes docs/img/<plot>.png and .svg, and replaces the text between
<!-- generated:begin --> and <!-- generated:end --> in the doc with tables
of medians, fits, the crossover and the issue's targets.
"""

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Text stays text in the SVGs (smaller), and the same data gives the same
# files (no dates, fixed ids), so a re-run only changes what changed.
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "epsim"})

WAIT_RE = re.compile(
    r"^BM_(Wait|WaitK|Device)_(Model|SimKernel|Host)_([A-Za-z]+?)(?:_(Pipe|Socket))?"
    r"/n:(\d+)/k:(\d+)$")
CTL_RE = re.compile(r"^BM_Ctl_(Model|SimKernel|Host)_(Add|Mod|Del)/n:(\d+)$")
MECHS = ["Select", "Poll", "EpollLT", "EpollET", "EpollMod"]
COLORS = {"Select": "tab:red", "Poll": "tab:orange", "EpollLT": "tab:blue",
          "EpollET": "tab:green", "EpollMod": "tab:purple"}
STYLES = {"Model": "-", "SimKernel": ":", "Host": "--"}
MARKERS = {"Model": "o", "SimKernel": "^", "Host": "s"}
BEGIN, END = "<!-- generated:begin -->", "<!-- generated:end -->"


# ---- loading ----

def load(path, field):
    """Returns (medians, fits, context): run_name -> row with 't' (ns),
    family -> BigO/RMS dict."""
    doc = json.loads(Path(path).read_text())
    rows = doc["benchmarks"]
    medians = {}
    singles = defaultdict(list)
    fits = defaultdict(dict)
    for r in rows:
        agg = r.get("aggregate_name")
        if agg == "median":
            medians[r["run_name"]] = r
        elif agg in ("BigO", "RMS"):
            fits[r["run_name"]][agg] = r
        elif r.get("run_type") == "iteration" and not r.get("error_occurred"):
            singles[r["run_name"]].append(r)
    for name, runs in singles.items():
        if name not in medians:
            runs = sorted(runs, key=lambda x: x[field])
            medians[name] = runs[len(runs) // 2]
    for r in medians.values():
        r["t"] = to_ns(r[field], r.get("time_unit", "ns"))
    return medians, fits, doc.get("context", {})


def to_ns(v, unit):
    return v * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]


def series(medians, kind, backend, mech, device=None):
    """[(n, k, ns)] of one family, sorted."""
    out = []
    for name, r in medians.items():
        m = WAIT_RE.match(name)
        if m and m.group(1, 2, 3, 4) == (kind, backend, mech, device):
            out.append((int(m.group(5)), int(m.group(6)), r["t"]))
    return sorted(out)


def ctl_series(medians, backend, op):
    out = []
    for name, r in medians.items():
        m = CTL_RE.match(name)
        if m and m.group(1, 2) == (backend, op):
            out.append((int(m.group(3)), r["t"]))
    return sorted(out)


def value(medians, name, key="t"):
    r = medians.get(name)
    return None if r is None else r.get(key)


# ---- analysis ----

def crossover(a, b):
    """First k (interpolated) where curve b stops being cheaper than a.
    a, b: [(k, ns)] on the same k grid.  None if b is cheaper throughout."""
    pts = [(k, tb - ta) for (k, ta), (k2, tb) in zip(a, b) if k == k2]
    for (k0, d0), (k1, d1) in zip(pts, pts[1:]):
        if d0 < 0 <= d1:
            return k0 + (k1 - k0) * (-d0) / (d1 - d0)
    if pts and pts[0][1] >= 0:
        return pts[0][0]
    return None


def k_curve(medians, backend, mech):
    return [(k, t) for n, k, t in series(medians, "WaitK", backend, mech)]


def sweep_n(medians, backend):
    s = series(medians, "WaitK", backend, "Poll")
    return s[0][0] if s else None


def slope(points):
    """Least-squares slope and intercept of [(x, y)]."""
    if len(points) < 2:
        return None, None
    xs, ys = zip(*points)
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return None, None
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return b, my - b * mx


def fit_text(fits, family, field):
    f = fits.get(family)
    if not f or "BigO" not in f:
        return None
    big = f["BigO"]
    coef = big["cpu_coefficient" if field == "cpu_time" else "real_coefficient"]
    rms = f.get("RMS", {}).get("rms")
    return coef, big["big_o"], rms


# ---- plots ----

def save(fig, img, name):
    img.mkdir(parents=True, exist_ok=True)
    fig.savefig(img / f"{name}.png", dpi=110, bbox_inches="tight")
    fig.savefig(img / f"{name}.svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)


def plot_vs_n(medians, img):
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for backend in ("Model", "SimKernel", "Host"):
        for mech in MECHS:
            pts = [(n, t) for n, k, t in series(medians, "Wait", backend, mech) if k == 1]
            if pts:
                ax.plot(*zip(*pts), STYLES[backend], marker=MARKERS[backend], ms=4,
                        color=COLORS[mech], label=f"{backend} {mech}")
    ax.set(xscale="log", yscale="log", xlabel="watched fds n (one ready)",
           ylabel="ns per wait", title="One wait with 1 ready fd, against n")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=3)
    save(fig, img, "wait_vs_n")


def plot_fractions(medians, img):
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), sharex=True)
    for ax, pct in zip(axes.flat, (1, 10, 40, 100)):
        for backend in ("Model", "Host"):
            for mech in MECHS[:4]:
                pts = [(n, t) for n, k, t in series(medians, "Wait", backend, mech)
                       if k == max(1, n * pct // 100) and n >= 100]
                if pts:
                    ax.plot(*zip(*pts), STYLES[backend], marker=MARKERS[backend], ms=3,
                            color=COLORS[mech], label=f"{backend} {mech}")
        ax.set(xscale="log", yscale="log", title=f"{pct}% of the n fds ready")
        ax.grid(True, which="both", alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("watched fds n")
    for ax in axes[:, 0]:
        ax.set_ylabel("ns per wait")
    axes[0, 0].legend(fontsize=7, ncol=2)
    save(fig, img, "wait_fractions")


def plot_vs_k(medians, img):
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    for ax, backend in zip(axes, ("Model", "Host")):
        n = sweep_n(medians, backend)
        if n is None:
            continue
        for mech in MECHS:
            pts = [(100 * k / n, t) for k, t in k_curve(medians, backend, mech)]
            if pts:
                ax.plot(*zip(*pts), STYLES[backend], marker=MARKERS[backend], ms=3,
                        color=COLORS[mech], label=mech)
        mark_crossover(ax, medians, backend, n)
        ax.set(xlabel=f"ready fds k, % of n = {n}", ylabel="ns per wait",
               title=f"{backend}: one wait against k", yscale="log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    save(fig, img, "wait_vs_k")


def mark_crossover(ax, medians, backend, n):
    k = crossover(k_curve(medians, backend, "Poll"), k_curve(medians, backend, "EpollLT"))
    if k is not None:
        ax.axvline(100 * k / n, color="k", lw=1, ls="-.")
        ax.annotate(f"poll = LT epoll\nat {100 * k / n:.0f}% ready", (100 * k / n, 0.5),
                    xycoords=("data", "axes fraction"), xytext=(5, 0),
                    textcoords="offset points", fontsize=8)


def plot_relative(medians, img):
    """Each mechanism's cost divided by poll's at the same k, model and
    host on the same axes: a curve crosses 1 where it stops beating poll."""
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for backend in ("Model", "Host"):
        n = sweep_n(medians, backend)
        poll = dict(k_curve(medians, backend, "Poll"))
        for mech in ("Select", "EpollLT", "EpollET", "EpollMod"):
            pts = [(100 * k / n, t / poll[k]) for k, t in k_curve(medians, backend, mech)
                   if k in poll]
            if pts:
                ax.plot(*zip(*pts), STYLES[backend], marker=MARKERS[backend], ms=3,
                        color=COLORS[mech], label=f"{backend} {mech}")
    ax.axhline(1, color="tab:orange", lw=1.5, label="poll")
    ax.set(yscale="log", xlabel="ready fds k, % of n", ylabel="cost / cost of poll",
           title="Relative to poll at the same k: model (solid) and host (dashed)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    save(fig, img, "wait_vs_k_relative")


def plot_model_vs_host(medians, img):
    fig, ax = plt.subplots(figsize=(7, 5))
    for mech in MECHS:
        m = {k: t for k, t in k_curve(medians, "Model", mech)}
        h = {k: t for k, t in k_curve(medians, "Host", mech)}
        pts = [(m[k], h[k]) for k in sorted(m) if k in h]
        if pts:
            ax.plot(*zip(*pts), "o", ms=4, color=COLORS[mech], label=mech)
    ax.set(xscale="log", yscale="log", xlabel="model ns per wait",
           ylabel="host ns per wait", title="Same wait, model against host (k sweep)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, img, "model_vs_host")


def plot_ctl(medians, img):
    fig, ax = plt.subplots(figsize=(7, 5))
    colors = {"Add": "tab:blue", "Mod": "tab:orange", "Del": "tab:green"}
    for backend in ("Model", "SimKernel", "Host"):
        for op in ("Add", "Mod", "Del"):
            pts = ctl_series(medians, backend, op)
            if pts:
                ax.plot(*zip(*pts), STYLES[backend], marker=MARKERS[backend], ms=4,
                        color=colors[op], label=f"{backend} {op}")
    ax.set(xscale="log", yscale="log", xlabel="watched fds n",
           ylabel="ns per epoll_ctl", title="epoll_ctl against the size of the interest set")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=3)
    save(fig, img, "ctl_vs_n")


def plot_devices(medians, img):
    fig, ax = plt.subplots(figsize=(8, 5))
    for backend in ("Model", "Host"):
        for dev, marker in ((None, "o"), ("Pipe", "s"), ("Socket", "^")):
            for mech in ("Select", "Poll", "EpollLT"):
                kind = "Wait" if dev is None else "Device"
                pts = [(n, t) for n, k, t in series(medians, kind, backend, mech, dev)
                       if k == 1]
                if pts:
                    ax.plot(*zip(*pts), STYLES[backend], marker=marker, ms=4,
                            color=COLORS[mech],
                            label=f"{backend} {mech} {dev or 'Eventfd'}")
    ax.set(xscale="log", yscale="log", xlabel="watched fds n (one ready)",
           ylabel="ns per wait", title="Device kinds: eventfd (o), pipe (s), socket pair (^)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, ncol=3)
    save(fig, img, "devices")


# ---- tables ----

def fmt(v, digits=3):
    if v is None:
        return "–"
    if v >= 1e6:
        return f"{v / 1e6:.{max(1, digits - 1)}g} ms".replace("e+0", "e")
    if v >= 1e4:
        return f"{v / 1e3:.{digits}g} µs"
    return f"{v:.{digits}g} ns" if v < 100 else f"{v:.0f} ns"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def wait_table(medians):
    sizes = sorted({n for name in medians if (m := WAIT_RE.match(name))
                    and m.group(1) == "Wait" for n in [int(m.group(5))]})
    rows = []
    for backend in ("Model", "SimKernel", "Host"):
        for mech in MECHS[:4]:
            got = {n: t for n, k, t in series(medians, "Wait", backend, mech) if k == 1}
            if got:
                rows.append([f"{backend} {mech}"] + [fmt(got.get(n)) for n in sizes])
    return table(["k = 1"] + [f"n = {n}" for n in sizes], rows)


def fraction_table(medians, n):
    rows = []
    for backend in ("Model", "Host"):
        for mech in MECHS[:4]:
            got = {k: t for nn, k, t in series(medians, "Wait", backend, mech) if nn == n}
            if got:
                rows.append([f"{backend} {mech}"] +
                            [fmt(got.get(max(1, n * p // 100))) for p in (0, 1, 10, 40, 100)])
    return table([f"n = {n}", "k = 1", "1%", "10%", "40%", "100%"], rows)


def counters_table(medians, n):
    rows = []
    for mech in MECHS[:4]:
        r = medians.get(f"BM_Wait_Model_{mech}/n:{n}/k:1")
        if r:
            rows.append([mech] + [f"{r.get(c, 0):g}" for c in
                                  ("f_op_poll", "wq_linked", "wq_unlinked",
                                   "bytes_from_user", "bytes_to_user")] + [fmt(r["t"])])
    return table([f"model, n = {n}, k = 1", "->poll calls", "wq linked", "wq unlinked",
                  "bytes from user", "bytes to user", "time"], rows)


def loglog_slope(pts):
    b, _ = slope([(math.log10(x), math.log10(t)) for x, t in pts if t > 0])
    return b


def fmt_slope(pts):
    """The log-log slope as text, or a dash when there are too few points."""
    slope = loglog_slope(pts) if len(pts) > 1 else None
    return "–" if slope is None else f"{slope:.2f}"


def slope_table(medians):
    """Log-log slope of cost against n (k = 1) and against k (fixed n):
    1 means linear, 0 flat."""
    rows = []
    for backend in ("Model", "SimKernel", "Host"):
        for mech in MECHS[:4]:
            pts = [(n, t) for n, k, t in series(medians, "Wait", backend, mech) if k == 1]
            big = [(n, t) for n, t in pts if n >= 1000]
            kp = [(k, t) for k, t in k_curve(medians, backend, mech) if k >= 100]
            if pts:
                expect = "1 in n, ~0 in k" if mech in ("Select", "Poll") else "0 in n, 1 in k"
                rows.append([f"{backend} {mech}", fmt_slope(pts), fmt_slope(big),
                             fmt_slope(kp), expect])
    return table(["family", "slope in n (all n)", "slope in n (n ≥ 1000)",
                  "slope in k (k ≥ 100)", "expected"], rows)


def fits_table(fits, field):
    rows = []
    for family in sorted(fits):
        f = fit_text(fits, family, field)
        if f:
            coef, big_o, rms = f
            rows.append([f"`{family}`", f"{coef:.3g} · {big_o}",
                         "–" if rms is None else f"{100 * rms:.0f}%"])
    return table(["family", "fit (ns)", "RMS"], rows)


def crossover_rows(medians):
    rows = []
    pairs = [("Poll", "EpollLT"), ("Select", "EpollLT"), ("Poll", "EpollET"),
             ("Poll", "EpollMod")]
    for a, b in pairs:
        row = [f"{a} = {b}"]
        for backend in ("Model", "Host"):
            n = sweep_n(medians, backend)
            k = crossover(k_curve(medians, backend, a), k_curve(medians, backend, b))
            row.append("none (epoll cheaper at 100%)" if k is None or n is None
                       else f"{100 * k / n:.0f}% (k ≈ {k:.0f})")
        rows.append(row)
    return rows


def device_table(medians, fits, field):
    """Per-fd cost of a scan (slope for n ≤ 1000, and t/n at the largest n),
    and the O(1) fit of LT epoll."""
    rows = []
    for backend in ("Model", "Host"):
        for mech in ("Select", "Poll", "EpollLT"):
            row = [f"{backend} {mech}"]
            for dev in (None, "Pipe", "Socket"):
                kind = "Wait" if dev is None else "Device"
                pts = [(n, t) for n, k, t in series(medians, kind, backend, mech, dev) if k == 1]
                row.append(device_cell(pts, mech, fits, backend, dev, field))
            rows.append(row)
    return table(["k = 1", "eventfd", "pipe", "socket pair"], rows)


def device_cell(pts, mech, fits, backend, dev, field):
    if not pts:
        return "–"
    if mech == "EpollLT":
        fam = f"BM_Wait_{backend}_{mech}" if dev is None else f"BM_Device_{backend}_{mech}_{dev}"
        f = fit_text(fits, fam, field)
        return "–" if not f else f"{f[0]:.0f} ns flat (RMS {100 * f[2]:.0f}%)"
    b, _ = slope([(n, t) for n, t in pts if n <= 1000])
    n, t = pts[-1]
    return f"{b:.1f} ns/fd (n ≤ 1000); {t / n:.1f} at n = {n}"


def ctl_table(medians):
    sizes = sorted({int(m.group(3)) for name in medians if (m := CTL_RE.match(name))})
    rows = []
    for backend in ("Model", "SimKernel", "Host"):
        for op in ("Add", "Mod", "Del"):
            got = dict(ctl_series(medians, backend, op))
            if got:
                rows.append([f"{backend} {op}"] + [fmt(got.get(n)) for n in sizes])
    return table(["epoll_ctl"] + [f"n = {n}" for n in sizes], rows)


# ---- targets ----

def targets(medians, fits, field):
    """[(target, measured, verdict)] for the issue's targets."""
    rows = []
    lt1 = [(n, t) for n, k, t in series(medians, "Wait", "Model", "EpollLT") if k == 1]
    if lt1:
        worst = max(t for n, t in lt1)
        ratio = lt1[-1][1] / lt1[0][1]
        rows.append(("model epoll_wait, 1 event ≤ 40 ns",
                     ", ".join(f"n={n}: {t:.1f} ns" for n, t in lt1), worst <= 40))
        rows.append((f"… within 1.5× from n = {lt1[0][0]} to n = {lt1[-1][0]}",
                     f"{ratio:.2f}×", ratio <= 1.5))
    rows += per_event_targets(medians, fits, field)
    rows += scan_targets(medians, fits, field)
    cb = value(medians, "BM_Callback_Model/queued:1")
    cb0 = value(medians, "BM_Callback_Model/queued:0")
    if cb is not None:
        rows.append(("ep_poll_callback ≤ 10 ns hot",
                     f"{cb:.1f} ns (item queued already); {cb0:.1f} ns (links it)",
                     cb <= 10))
    adds = [(n, t) for n, t in ctl_series(medians, "Model", "Add") if n <= 100000]
    if adds:
        worst = max(t for n, t in adds)
        rows.append(("epoll_ctl ADD ≤ 100 ns up to n = 10^5",
                     ", ".join(f"n={n}: {t:.0f} ns" for n, t in adds), worst <= 100))
    rows += memory_targets(medians)
    rows += crossover_target(medians)
    return rows


def per_event_targets(medians, fits, field):
    rows = []
    for mech in ("EpollLT", "EpollET"):
        pts = k_curve(medians, "Model", mech)
        b, a = slope(pts)
        f = fit_text(fits, f"BM_WaitK_Model_{mech}", field)
        if b is None:
            continue
        extra = "" if not f else f"; Google Benchmark fit {f[0]:.1f} · {f[1]}, RMS {100 * f[2]:.0f}%"
        what = "each further ready event ≤ 15 ns" + (" (LT)" if mech == "EpollLT"
                                                     else " (ET: includes the write that queues it)")
        rows.append((what, f"{b:.1f} ns/event (least-squares slope over k){extra}",
                     b <= 15 if mech == "EpollLT" else None))
    return rows


def scan_targets(medians, fits, field):
    rows = []
    for mech in ("Poll", "Select"):
        pts = [(n, t) for n, k, t in series(medians, "Wait", "Model", mech) if k == 1]
        small = [(n, t) for n, t in pts if n <= 10000]
        b_small, _ = slope(small)
        b_all, _ = slope(pts)
        f = fit_text(fits, f"BM_Wait_Model_{mech}", field)
        if b_all is None:
            continue
        text = (f"{b_small:.1f} ns/fd for n ≤ 10^4 (in cache); {b_all:.1f} ns/fd up to "
                f"n = {pts[-1][0]}")
        floor = value(medians, f"BM_Floor_Model_Touch/n:{pts[-1][0]}")
        if floor:
            text += f" (memory floor {floor / pts[-1][0]:.1f} ns/fd there)"
        if f:
            text += f"; fit {f[0]:.1f} · {f[1]}, RMS {100 * f[2]:.0f}%"
        rows.append((f"model {mech.lower()} scan ≤ 8 ns per fd", text, b_all <= 8))
    return rows


def memory_targets(medians):
    r = next((v for k, v in medians.items() if k.startswith("BM_Memory_Model_Watch")), None)
    if not r:
        return []
    per = r.get("bytes_per_watch")
    heap = r.get("heap_bytes_per_watch")
    objects = r.get("sizeof_epitem", 0) + r.get("sizeof_eppoll_entry", 0)
    return [("memory per watch ≤ 184 bytes (EP_ITEM_COST)",
             f"{per:.2f} bytes allocated per watch ({objects:.0f} in the epitem and "
             f"eppoll_entry, {per - objects:.2f} of slab bookkeeping), {heap:.2f} bytes of heap; "
             f"first watcher of a file +{r.get('bytes_first_watch', 0) - per:.0f} (epitems_head)",
             objects <= 184 and per < 185),
            ("epitem ≤ 128 bytes", f"sizeof(epitem) = {r.get('sizeof_epitem'):.0f}, "
             f"sizeof(eppoll_entry) = {r.get('sizeof_eppoll_entry'):.0f}",
             r.get("sizeof_epitem", 999) <= 128)]


def crossover_target(medians):
    nm, nh = sweep_n(medians, "Model"), sweep_n(medians, "Host")
    km = crossover(k_curve(medians, "Model", "Poll"), k_curve(medians, "Model", "EpollLT"))
    kh = crossover(k_curve(medians, "Host", "Poll"), k_curve(medians, "Host", "EpollLT"))
    if None in (nm, nh, km, kh):
        return [("crossover poll = LT epoll within ±10 points of the host's",
                 f"model {km}, host {kh}", None)]
    pm, ph = 100 * km / nm, 100 * kh / nh
    return [("crossover poll = LT epoll within ±10 points of the host's",
             f"model {pm:.0f}%, host {ph:.0f}% ({pm - ph:+.0f} points)", abs(pm - ph) <= 10)]


def verdict(ok):
    return "–" if ok is None else ("met" if ok else "**missed**")


# ---- the document ----

def generated(medians, fits, context, field):
    n = sweep_n(medians, "Model") or 10000
    rt = [value(medians, "BM_RoundTrip_SimKernel", "real_time"),
          value(medians, "BM_RoundTrip_Host", "real_time")]
    parts = [
        f"_Generated by `bench/plot.py` from a run on {context.get('date', '?')} "
        f"({context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
        f"load average {', '.join(f'{x:.1f}' for x in context.get('load_avg', []))}); "
        f"times are medians of {'CPU' if field == 'cpu_time' else 'wall'} time._",
        "### Targets", table(["target", "measured", ""],
                             [(a, b, verdict(c)) for a, b, c in targets(medians, fits, field)]),
        "### One wait against n (k = 1)", wait_table(medians),
        f"### One wait against the ready fraction (n = {n})", fraction_table(medians, n),
        "### Crossover (n = %d): where epoll stops being cheaper" % n,
        table(["equal cost", "model", "host"], crossover_rows(medians)),
        "### What a wait does (model counters, per wait)", counters_table(medians, n),
        "### Cost per watched fd by device kind (k = 1)", device_table(medians, fits, field),
        "### epoll_ctl", ctl_table(medians),
        "### Blocking round trip (two threads, two eventfds, epoll_wait(-1) each; wall time)",
        table(["backend", "round trip"], [["SimKernel (simulator fibers)", fmt(rt[0])],
                                          ["Host (threads)", fmt(rt[1])]]),
        "### Slope check (log-log: 1 = linear, 0 = flat)", slope_table(medians),
        "### Complexity fits (Google Benchmark)", fits_table(fits, field),
    ]
    return "\n\n".join(parts)


def write_doc(doc, text):
    path = Path(doc)
    old = path.read_text() if path.exists() else f"{BEGIN}\n{END}\n"
    if BEGIN not in old or END not in old:
        sys.exit(f"plot.py: {doc} has no {BEGIN} ... {END} block")
    head, rest = old.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("json")
    ap.add_argument("--img", default="docs/img")
    ap.add_argument("--doc", default="docs/benchmarks.md")
    ap.add_argument("--time", choices=("cpu", "real"), default="cpu")
    args = ap.parse_args()
    field = f"{args.time}_time"
    medians, fits, context = load(args.json, field)
    img = Path(args.img)
    for plot in (plot_vs_n, plot_fractions, plot_vs_k, plot_relative, plot_model_vs_host,
                 plot_ctl, plot_devices):
        plot(medians, img)
    write_doc(args.doc, generated(medians, fits, context, field))


if __name__ == "__main__":
    main()
