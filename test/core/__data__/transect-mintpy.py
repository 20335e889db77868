# Expected values for test/core/derived-transect.test.ts, made with MintPy 1.5.1 (Debian) from the cv-tiny
# fixture: /usr/bin/python3 test/core/__data__/transect-mintpy.py <fixtures>/cv-tiny/mintpy test/core/__data__/transect-mintpy.json
import json, sys
import numpy as np
from mintpy.utils import readfile, utils as ut
from mintpy.asc_desc2horz_vert import asc_desc2horz_vert

d = sys.argv[1]
v, atr = readfile.read(f'{d}/velocity.h5', datasetName='velocity')
lines = [
    [[36.24, -119.79], [36.01, -119.41]],   # corner to corner through the bowl
    [[36.2225, -119.6425], [36.10, -119.50]],  # from the reference pixel
    [[36.05, -119.78], [36.20, -119.45]],    # crosses masked / zero pixels
]
out = {'transects': []}
for s, e in lines:
    t = ut.transect_lalo(v, atr, s, e, interpolation='linear')
    out['transects'].append({
        'start': s, 'end': e,
        'y': t['Y'].astype(float).tolist(), 'x': t['X'].astype(float).tolist(),
        'value': t['value'].astype(float).tolist(), 'distance': t['distance'].astype(float).tolist(),
        'unit': t['distance_unit'],
    })
# asc/desc decomposition on a small synthetic pair (1-D angles and per-window 3-D angles)
rng = np.random.default_rng(0)
L, W = 5, 7
dlos = rng.normal(0, 0.01, (2, L, W)).astype(np.float32)
inc1 = np.array([34.0, 41.5], dtype=np.float32)
az1 = np.array([-102.0, 102.5], dtype=np.float32)
h1, v1 = asc_desc2horz_vert(dlos, inc1, az1)
inc3 = (np.array([34.0, 41.5])[:, None, None] + rng.uniform(-2, 2, (2, L, W))).astype(np.float32)
az3 = (np.array([-102.0, 102.5])[:, None, None] + rng.uniform(-1, 1, (2, L, W))).astype(np.float32)
h3, v3 = asc_desc2horz_vert(dlos, inc3, az3, step=3)
out['ascDesc'] = {
    'length': L, 'width': W, 'dlos': dlos.ravel().astype(float).tolist(),
    'inc1': inc1.tolist(), 'az1': az1.tolist(), 'horz1': h1.ravel().astype(float).tolist(), 'vert1': v1.ravel().astype(float).tolist(),
    'inc3': inc3.ravel().astype(float).tolist(), 'az3': az3.ravel().astype(float).tolist(), 'step': 3,
    'horz3': h3.ravel().astype(float).tolist(), 'vert3': v3.ravel().astype(float).tolist(),
}
json.dump(out, open(sys.argv[2], "w"))
