# Expected output for test/core/derived-ascdesc.test.ts: MintPy 1.5.1's asc_desc2horz_vert.py on two small
# synthetic geocoded velocity files that overlap partially, with geometry files (per-pixel angles) and
# without (angles from STARTING_RANGE/… and HEADING). Made with Debian's python3 + mintpy:
#   python3 test/core/__data__/ascdesc-mintpy.py test/core/__data__/ascdesc-mintpy.json
import base64, json, os, subprocess, sys, tempfile
import h5py
import numpy as np

rng = np.random.default_rng(7)
b64 = lambda a: base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode()  # float32 arrays, little-endian
tmp = tempfile.mkdtemp()
cases = {
    'asc': dict(L=23, W=26, x0=-119.80125, y0=36.25125, inc=34.0, az=-102.0, heading=-12.0, sr=850000.0),
    'desc': dict(L=25, W=24, x0=-119.79125, y0=36.24625, inc=41.0, az=102.5, heading=-168.0, sr=880000.0),
}
files = {}
for name, c in cases.items():
    L, W = c['L'], c['W']
    atr = {'FILE_TYPE': 'velocity', 'UNIT': 'm/year', 'LENGTH': str(L), 'WIDTH': str(W),
           'X_FIRST': str(c['x0']), 'Y_FIRST': str(c['y0']), 'X_STEP': '0.0025', 'Y_STEP': '-0.0025',
           'REF_LAT': '36.2225', 'REF_LON': '-119.7425', 'REF_Y': '11', 'REF_X': '23',
           'HEADING': str(c['heading']), 'STARTING_RANGE': str(c['sr']), 'RANGE_PIXEL_SIZE': '2.3',
           'EARTH_RADIUS': '6371000.0', 'HEIGHT': '693000.0', 'ORBIT_DIRECTION': 'ASCENDING' if name == 'asc' else 'DESCENDING'}
    v = rng.normal(0, 0.01, (L, W)).astype(np.float32)
    inc = (c['inc'] + rng.uniform(-2, 2, (L, W))).astype(np.float32)
    az = (c['az'] + rng.uniform(-1, 1, (L, W))).astype(np.float32)
    f = os.path.join(tmp, f'{name}.h5'); g = os.path.join(tmp, f'{name}_geo.h5')
    with h5py.File(f, 'w') as h:
        h.attrs.update(atr); h['velocity'] = v
    with h5py.File(g, 'w') as h:
        h.attrs.update({**atr, 'FILE_TYPE': 'geometry'}); h['incidenceAngle'] = inc; h['azimuthAngle'] = az
    files[name] = dict(attrs=atr, velocity=b64(v), incidenceAngle=b64(inc), azimuthAngle=b64(az))
out = {'inputs': files}
for tag, extra in [('geom', ['-g', os.path.join(tmp, 'asc_geo.h5'), os.path.join(tmp, 'desc_geo.h5')]), ('attrs', [])]:
    hz, up = os.path.join(tmp, f'hz_{tag}.h5'), os.path.join(tmp, f'up_{tag}.h5')
    subprocess.run([sys.executable, '-m', 'mintpy', 'asc_desc2horz_vert', os.path.join(tmp, 'asc.h5'), os.path.join(tmp, 'desc.h5'),
                    *extra, '-o', hz, up], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(hz) as a, h5py.File(up) as b:
        out[tag] = {'attrs': {k: str(v) for k, v in a.attrs.items() if k in ('LENGTH', 'WIDTH', 'X_FIRST', 'Y_FIRST', 'REF_Y', 'REF_X')},
                    'datasets': list(a.keys()), 'horz': b64(a[list(a.keys())[0]][:]), 'vert': b64(b[list(b.keys())[0]][:])}
json.dump(out, open(sys.argv[1], 'w'))
