#!/usr/bin/env python3
"""Fits the scale model of docs/scale.md to bench/scale.sh's points and draws it as an SVG.

    python3 bench/plot_scale.py BUILD_DIR/bench/scale.tsv docs/scale.svg

Measured (this VM, every worker on 2 cores): start-up, everywhere through the tree and flat,
rmprocs. Modelled up to 100,000 workers: the fits, and everywhere on a cluster where each
worker has its own core (tree: depth x (degree x send + hop); flat: N x send + hop), next to
the published Julia point (first @everywhere at 1,024 workers: 43.7 s, julia#11520).
Only the standard library: no plotting package is needed.
"""
import csv
import math
import sys

HOP_MS = 0.05  # one network hop on a cluster (a remote call's round trip here is 0.0065 ms)
SEND_MS = 0.004  # the master's cost of one message and its answer (about half a round trip)
DEGREE = 8
JULIA = (1024, 43700.0)


def fit_power(xs, ys):
    """Least squares on logarithms: y = k x^p. Returns (k, p)."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(max(y, 1e-6)) for y in ys]
    n = len(lx)
    mx, my = sum(lx) / n, sum(ly) / n
    sxx = sum((x - mx) ** 2 for x in lx)
    p = sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sxx if sxx else 0.0
    return math.exp(my - p * mx), p


def power(fit, x):
    return fit[0] * x ** fit[1]


def read_points(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {key: [float(r[key]) for r in rows] for key in rows[0]}


def model(points):
    n = points["workers"]
    m = {}
    m["ready"] = fit_power(n, points["ready_ms"])
    m["flat"] = fit_power(n, points["everywhere_flat_ms"])
    m["tree_here"] = fit_power(n, points["everywhere_tree_ms"])
    m["rmprocs"] = fit_power(n, points["rmprocs_ms"])
    # On this VM an everywhere costs what every worker's own work on the same two cores costs.
    # On a cluster each worker has its core: the master's share is SEND_MS a message.
    m["send_ms"] = SEND_MS
    return m


def cluster_tree_ms(n, send_ms):
    depth = max(1, math.ceil(math.log(n) / math.log(DEGREE)))
    return depth * (DEGREE * send_ms + HOP_MS)


def cluster_flat_ms(n, send_ms):
    return n * send_ms + HOP_MS


class Chart:
    W, H, L, R, T, B = 860, 560, 80, 250, 40, 60

    def __init__(self, xmin, xmax, ymin, ymax):
        self.lx = (math.log10(xmin), math.log10(xmax))
        self.ly = (math.log10(ymin), math.log10(ymax))
        self.parts = []

    def x(self, v):
        f = (math.log10(v) - self.lx[0]) / (self.lx[1] - self.lx[0])
        return self.L + f * (self.W - self.L - self.R)

    def y(self, v):
        f = (math.log10(v) - self.ly[0]) / (self.ly[1] - self.ly[0])
        return self.H - self.B - f * (self.H - self.T - self.B)

    def axes(self):
        p = self.parts
        x0, x1, y0, y1 = self.L, self.W - self.R, self.T, self.H - self.B
        p.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" '
                 'fill="none" stroke="#333"/>')
        for e in range(int(self.lx[0]), int(self.lx[1]) + 1):
            x = self.x(10 ** e)
            p.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}" stroke="#ddd"/>')
            p.append(f'<text x="{x:.1f}" y="{y1 + 18}" text-anchor="middle">{10 ** e:,}</text>')
        for e in range(int(self.ly[0]), int(self.ly[1]) + 1):
            y = self.y(10 ** e)
            label = f"{10 ** e:g} ms" if e < 3 else f"{10 ** (e - 3):g} s"
            p.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#ddd"/>')
            p.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
        p.append(f'<text x="{(x0 + x1) / 2}" y="{self.H - 15}" text-anchor="middle">'
                 'workers</text>')

    def line(self, xs, ys, color, dash=""):
        pts = " ".join(f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, ys) if b > 0)
        d = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<polyline points="{pts}" fill="none" stroke="{color}" '
                          f'stroke-width="2"{d}/>')

    def dots(self, xs, ys, color, shape="circle"):
        for a, b in zip(xs, ys):
            if b <= 0:
                continue
            if shape == "circle":
                self.parts.append(f'<circle cx="{self.x(a):.1f}" cy="{self.y(b):.1f}" r="4" '
                                  f'fill="{color}"/>')
            else:
                x, y = self.x(a), self.y(b)
                self.parts.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" '
                                  f'height="10" fill="{color}"/>')

    def legend(self, entries):
        x = self.W - self.R + 15
        for i, (text, color, dash) in enumerate(entries):
            y = self.T + 10 + i * 22
            d = f' stroke-dasharray="{dash}"' if dash else ""
            self.parts.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{color}" '
                              f'stroke-width="2"{d}/>')
            self.parts.append(f'<text x="{x + 30}" y="{y + 4}">{text}</text>')

    def svg(self, title):
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.W}" height="{self.H}" '
                'font-family="sans-serif" font-size="12">'
                f'<rect width="{self.W}" height="{self.H}" fill="white"/>'
                f'<text x="{self.L}" y="24" font-size="15">{title}</text>')
        return head + "".join(self.parts) + "</svg>\n"


def draw(points, m):
    n = points["workers"]
    span = [10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000]
    c = Chart(10, 100000, 0.01, 1e6)
    c.axes()
    colors = {"ready": "#1f77b4", "flat": "#d62728", "tree": "#2ca02c", "rm": "#9467bd",
              "julia": "#000000"}
    c.line(span, [power(m["ready"], x) for x in span], colors["ready"], "6,4")
    c.dots(n, points["ready_ms"], colors["ready"])
    c.line(span, [power(m["rmprocs"], x) for x in span], colors["rm"], "6,4")
    c.dots(n, points["rmprocs_ms"], colors["rm"])
    c.dots(n, points["everywhere_flat_ms"], colors["flat"])
    c.line(span, [cluster_flat_ms(x, m["send_ms"]) for x in span], colors["flat"], "2,3")
    c.dots(n, points["everywhere_tree_ms"], colors["tree"])
    c.line(span, [cluster_tree_ms(x, m["send_ms"]) for x in span], colors["tree"], "2,3")
    c.dots([JULIA[0]], [JULIA[1]], colors["julia"], "square")
    c.legend([
        ("start-up here (fit)", colors["ready"], "6,4"),
        ("rmprocs here (fit)", colors["rm"], "6,4"),
        ("everywhere flat: here (dots)", colors["flat"], ""),
        ("  on a cluster (model)", colors["flat"], "2,3"),
        ("everywhere tree: here (dots)", colors["tree"], ""),
        ("  on a cluster (model)", colors["tree"], "2,3"),
        ("Julia, 1st @everywhere", colors["julia"], ""),
    ])
    return c.svg("dcrun at scale: measured on a 2-core VM (dots), modelled to 100,000 workers")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot_scale.py SCALE_TSV OUT_SVG")
    points = read_points(sys.argv[1])
    m = model(points)
    with open(sys.argv[2], "w") as f:
        f.write(draw(points, m))
    for key in ("ready", "flat", "tree_here", "rmprocs"):
        k, p = m[key]
        print(f"{key} here: {k:.4f} ms x N^{p:.2f}")
    for n in (2000, 10000, 100000):
        print(f"N={n}: ready {power(m['ready'], n):.0f} ms here; everywhere on a "
              f"cluster: tree {cluster_tree_ms(n, m['send_ms']):.2f} ms, flat "
              f"{cluster_flat_ms(n, m['send_ms']):.1f} ms")


if __name__ == "__main__":
    main()
