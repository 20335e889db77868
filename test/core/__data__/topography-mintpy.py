"""Expected values for test/core/topography.parity.test.ts, from MintPy 1.5.1 itself.

Copies the cv-tiny fixture's inputs/ and MintPy's timeseries.h5 / temporalCoherence.h5 / maskTempCoh.h5
into a temp dir, turns mintpy.topographicResidual on (pixelwiseGeometry yes and no), runs
  smallbaselineApp <cfg> --start correct_topography --end reference_date
and stores, per case: demErr statistics and a few pixels, the full series of a few pixels of
timeseries_demErr.h5 (after reference_date) and timeseriesResidual.h5, the RMS text file lines,
reference_date.txt and whether exclude_date.txt exists.

Run:  /usr/bin/python3 test/core/__data__/topography-mintpy.py [fixtures dir] > test/core/__data__/topography-mintpy.json
"""
import json, os, shutil, subprocess, sys, tempfile

import h5py
import numpy as np

fx = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'fixtures')
src = os.path.join(os.path.abspath(fx), 'cv-tiny', 'mintpy')
PIXELS = [(11, 63), (0, 0), (50, 80), (99, 159), (30, 120), (75, 20)]
out = {'pixels': PIXELS}
for pw in ['yes', 'no']:
    d = tempfile.mkdtemp(prefix='topo-mintpy-')
    shutil.copytree(os.path.join(src, 'inputs'), os.path.join(d, 'inputs'))
    for f in ['timeseries.h5', 'temporalCoherence.h5', 'maskTempCoh.h5', 'smallbaselineApp.cfg']:
        shutil.copy(os.path.join(src, f), d)
    lines = []
    for line in open(os.path.join(src, 'Central_Valley.cfg')):
        if line.startswith('mintpy.topographicResidual'):
            continue
        lines.append(line)
    lines += ['mintpy.topographicResidual = yes\n', f'mintpy.topographicResidual.pixelwiseGeometry = {pw}\n']
    open(os.path.join(d, 'Central_Valley.cfg'), 'w').writelines(lines)
    subprocess.run([sys.executable, '-m', 'mintpy', 'smallbaselineApp', 'Central_Valley.cfg',
                    '--start', 'correct_topography', '--end', 'reference_date'],
                   cwd=d, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dem = h5py.File(os.path.join(d, 'demErr.h5'))['dem'][:]
    tsc = h5py.File(os.path.join(d, 'timeseries_demErr.h5'))['timeseries'][:]
    res = h5py.File(os.path.join(d, 'timeseriesResidual.h5'))['timeseries'][:]
    rms = [l.rstrip('\n').split('\t') for l in open(os.path.join(d, 'rms_timeseriesResidual_ramp.txt')) if not l.startswith('#')]
    out[pw] = {
        'demErr': {
            'numNonzero': int((dem != 0).sum()),
            'mean': float(dem.astype(np.float64).mean()),
            'std': float(dem.astype(np.float64).std()),
            'min': float(dem.min()),
            'max': float(dem.max()),
            'pixels': [float(dem[y, x]) for y, x in PIXELS],
        },
        'tsDemErr': [[float(v) for v in tsc[:, y, x]] for y, x in PIXELS],
        'tsResidual': [[float(v) for v in res[:, y, x]] for y, x in PIXELS],
        'tsDemErrRefDate': h5py.File(os.path.join(d, 'timeseries_demErr.h5')).attrs['REF_DATE'],
        'rms': [[a, float(b)] for a, b in rms],
        'referenceDate': open(os.path.join(d, 'reference_date.txt')).read().strip(),
        'excludeDate': open(os.path.join(d, 'exclude_date.txt')).read().split() if os.path.isfile(os.path.join(d, 'exclude_date.txt')) else None,
    }
    shutil.rmtree(d)
print(json.dumps(out))
