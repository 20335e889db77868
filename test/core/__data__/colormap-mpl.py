# Expected colours for test/core/colormap.test.ts, from matplotlib 3.6.3 + MintPy 1.5.1 ColormapExt.
import json, numpy as np, matplotlib
matplotlib.use('Agg')
from matplotlib import colors
from mintpy.objects.colors import ColormapExt
rng = np.random.default_rng(1)
vals = np.concatenate([rng.uniform(-3.5, 2.5, 40), [-3, 2, -3.0000001, 2.0000001, -10, 10, 0, np.nan]]).astype(np.float32)
vmin, vmax = -3.0, 2.0
norm = colors.Normalize(vmin=vmin, vmax=vmax)
out = {'vmin': vmin, 'vmax': vmax, 'values': [None if np.isnan(v) else float(v) for v in vals], 'maps': {}}
for name in ['jet', 'RdBu_r', 'viridis', 'gray']:
    cm = ColormapExt(name, 256).colormap
    out['maps'][name] = cm(norm(vals), bytes=True).tolist()
out['toHex'] = {}
for name in ['jet', 'RdBu_r', 'viridis', 'gray']:
    cm = ColormapExt(name, 256).colormap
    out['toHex'][name] = [None if np.isnan(v) else colors.to_hex(cm(norm(v))) for v in vals]
cm = ColormapExt('RdBu_truncate', vlist=[0.2, 0.7, 1.0]).colormap
x = np.linspace(0, 1, 41)
out['truncate'] = {'vlist': [0.2, 0.7, 1.0], 'n': int(cm.N), 'x': x.tolist(), 'rgba': cm(x, bytes=True).tolist()}
json.dump(out, open('/work/main/test/core/__data__/colormap-mpl.json', 'w'))
