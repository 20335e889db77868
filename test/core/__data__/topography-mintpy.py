"""Expected values for test/core/topography.parity.test.ts, from MintPy 1.5.1 itself.

Copies the cv-tiny fixture's inputs/ and MintPy's timeseries.h5 / temporalCoherence.h5 / maskTempCoh.h5
into a temp dir, turns mintpy.topographicResidual on (cases: pixelwiseGeometry yes; no; and "pv" =
pixelwise, phaseVelocity, polyOrder 1, two dates in exclude_date.txt, linear RMS deramp, cutoff 1), runs
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
CASES = {
    'yes': (['mintpy.topographicResidual.pixelwiseGeometry = yes\n'], None),
    'no': (['mintpy.topographicResidual.pixelwiseGeometry = no\n'], None),
    'pv': (['mintpy.topographicResidual.pixelwiseGeometry = yes\n',
            'mintpy.topographicResidual.phaseVelocity = yes\n',
            'mintpy.topographicResidual.polyOrder = 1\n',
            'mintpy.residualRMS.deramp = linear\n',
            'mintpy.residualRMS.cutoff = 1\n'], ['20180310', '20180930']),
}
out['cases'] = {k: {'cfg': [l.strip() for l in v[0]], 'excludeIn': v[1]} for k, v in CASES.items()}
for pw, (extra, ex_in) in CASES.items():
    d = tempfile.mkdtemp(prefix='topo-mintpy-')
    shutil.copytree(os.path.join(src, 'inputs'), os.path.join(d, 'inputs'))
    for f in ['timeseries.h5', 'temporalCoherence.h5', 'maskTempCoh.h5', 'smallbaselineApp.cfg']:
        shutil.copy(os.path.join(src, f), d)
    lines = []
    for line in open(os.path.join(src, 'Central_Valley.cfg')):
        if line.startswith(('mintpy.topographicResidual', 'mintpy.residualRMS')):
            continue
        lines.append(line)
    lines += ['mintpy.topographicResidual = yes\n'] + extra
    open(os.path.join(d, 'Central_Valley.cfg'), 'w').writelines(lines)
    if ex_in:
        open(os.path.join(d, 'exclude_date.txt'), 'w').write(''.join(x + '\n' for x in ex_in))
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
