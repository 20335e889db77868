"""Expected values for test/core/timefunc.expLog.parity.test.ts, from MintPy 1.5.1's own timeseries2velocity.

Copies cv-tiny's timeseries.h5 (REF_DATE 20180109, the first date) and variants/demErr/timeseries_demErr.h5
(REF_DATE 20181105) into a temp dir and runs, per case,
  python3 -m mintpy timeseries2velocity <file> -t <case>.cfg -o <case>.h5
with the case's mintpy.timeFunc.* lines (the same lines the test gives InSAR Studio's velocity step).
Stored per case: every attribute of the output but FILE_PATH (a temp path), each dataset's UNIT, each
dataset's value at PIXELS, whole-image statistics per dataset, the dates used, the sha256 of MintPy's float32
design matrix G and diag(inv(GᵀG)) exactly as MintPy computes it (scipy.linalg.inv of float32 np.dot(G.T, G)).

Bootstrap: MintPy draws its resamplings from np.random.default_rng() with no seed, so no two runs agree.
'bootReplay' runs MintPy in-process with default_rng replaced by a seeded generator and stores the draws
(sorted, as MintPy sorts them) so the test can replay them exactly; 'bootMintpy' is MintPy's ordinary unseeded
run, to compare with InSAR Studio's own generator statistically. 'bootExpRefused' records MintPy's refusal of
bootstrap with exp/log terms.

Run:  /usr/bin/python3 test/core/__data__/timefunc-mintpy.py [fixtures dir] > test/core/__data__/timefunc-mintpy.json
"""
import contextlib, hashlib, io, json, os, shutil, subprocess, sys, tempfile

import h5py
import numpy as np
from scipy import linalg

fx = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'shared', 'fixtures')
src = os.path.join(os.path.abspath(fx), 'cv-tiny', 'mintpy')
FILES = {
    'timeseries.h5': os.path.join(src, 'timeseries.h5'),
    'timeseries_demErr.h5': os.path.join(src, 'variants', 'demErr', 'timeseries_demErr.h5'),
}
# a sparse grid, the reference pixel (11, 63), the extreme velocities (71, 19) / (29, 4), the largest and
# smallest non-zero residue (6, 149) / (11, 64)
PIXELS = [[y, x] for y in range(0, 100, 14) for x in range(0, 160, 23)] + [[11, 63], [71, 19], [29, 4], [6, 149], [11, 64]]

TS = 'timeseries.h5'
DE = 'timeseries_demErr.h5'
CASES = {
    # exp alone, log alone (with the linear term)
    'exp': (TS, {'exp': '20180601,60'}),
    'log': (TS, {'log': '20180801,90'}),
    # the issue's model: polynomial 1 + annual + semi-annual + step + exp + log
    'issue': (TS, {'periodic': '1.0,0.5', 'stepDate': '20180412', 'exp': '20180601,60', 'log': '20180801,90'}),
    # several characteristic times on two onsets each, quadratic
    'multiTau': (TS, {'polynomial': '2', 'exp': '20180601,30,120', 'log': '20180301,45,180'}),
    # onsets before the first date (= REF_DATE 20180109)
    'beforeRef': (TS, {'exp': '20171215,30', 'log': '20171201,10'}),
    # quadratic + semi-annual + step + exp on two onsets + log
    'combo': (TS, {'polynomial': '2', 'periodic': '0.5', 'stepDate': '20180705',
                   'exp': '20180415,40;20180901,25', 'log': '20180915,20'}),
    # timeseries_demErr.h5 (REF_DATE 20181105): exp onset before, log onset after the reference date;
    # start date and an excluded date
    'demErr': (DE, {'periodic': '1.0', 'exp': '20180601,60', 'log': '20181110,30',
                    'startDate': '20180202', 'excludeDate': '20180801'}),
    # onsets long before the first date: the exp and log columns are nearly collinear with the intercept
    # and velocity (cond(G) ≈ 4.6e3), beyond what MintPy's float32 solver resolves
    'illConditioned': (TS, {'periodic': '1.0', 'exp': '20171201,90', 'log': '20171015,60'}),
    'bootMintpy': (TS, {'uncertaintyQuantification': 'bootstrap'}),
}
BOOT_REPLAY = (TS, {'uncertaintyQuantification': 'bootstrap', 'bootstrapCount': '100'})
BOOT_REFUSED = (TS, {'uncertaintyQuantification': 'bootstrap', 'exp': '20180601,60'})
SEED = 20180601


GRAM_MODELS = [
    {'polynomial': 3, 'periodic': [1.0, 0.5, 0.25], 'stepDate': ['20180301', '20180601', '20180901'],
     'exp': {'20180415': [20, 80]}, 'log': {'20180715': [15, 150]}},  # 17 parameters
    {'polynomial': 2, 'periodic': [1.0, 0.5], 'stepDate': ['20180505'], 'exp': {'20180320': [10, 40, 160]},
     'log': {'20180810': [30]}},  # 12
    {'polynomial': 1, 'exp': {'20180601': [60]}, 'log': {'20180801': [90]}},  # 4: the 4-column sgemv kernel
    {'polynomial': 0, 'periodic': [1.0], 'log': {'20180201': [5]}},  # 4, no linear term
]


def listed(model):
    """the model with exp/log as [[onset, [taus]], …]: JSON objects with numeric keys lose their order in JS"""
    return {**model, 'exp': [[k, v] for k, v in model['exp'].items()], 'log': [[k, v] for k, v in model['log'].items()]}


def synthetic(N, P):
    """float32 N × P of small rationals (the same in every language: one correctly rounded division)"""
    k = np.arange(N).reshape(-1, 1)
    j = np.arange(P).reshape(1, -1)
    return (((k * 7919 + j * 104729) % 1000 - 500) / 37.0).astype(np.float32)


def cfg_lines(opts):
    return [f'mintpy.timeFunc.{k} = {v}' for k, v in opts.items()]


def f32(x):
    """float32 value as the shortest decimal that reads back to the same float32"""
    return float(repr(np.float32(x)))


def collect(d, file, opts, out_name):
    from mintpy.utils import time_func
    with h5py.File(os.path.join(d, out_name)) as h:
        attrs = {k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in h.attrs.items() if k != 'FILE_PATH'}
        units = {k: h[k].attrs['UNIT'] for k in h.keys()}
        data = {k: h[k][:] for k in h.keys()}
    # the model and dates exactly as MintPy builds them
    from mintpy.cli.timeseries2velocity import cmd_line_parse
    from mintpy.timeseries2velocity import read_date_info
    with contextlib.redirect_stdout(io.StringIO()):
        inps = cmd_line_parse([os.path.join(d, file), '-t', os.path.join(d, out_name + '.cfg')])
        inps = read_date_info(inps)
        model = time_func.inps2model(inps, date_list=inps.date_list, print_msg=False)
    with h5py.File(os.path.join(d, file)) as h:
        seconds = h.attrs.get('CENTER_LINE_UTC', 0)
    G = time_func.get_design_matrix4time_func(inps.date_list, model=model, seconds=seconds)
    diag = np.diag(linalg.inv(np.dot(G.T, G)))
    return {
        'file': file,
        'template': cfg_lines(opts),
        'datesUsed': inps.date_list,
        'designSha256': hashlib.sha256(np.ascontiguousarray(G, dtype='<f4').tobytes()).hexdigest(),
        'gramInvDiag': [f32(v) for v in diag],
        'attrs': attrs,
        'units': units,
        'datasets': {k: [f32(v[y, x]) for y, x in PIXELS] for k, v in data.items()},
        'stats': {k: {'nonzero': int((v != 0).sum()), 'sum': float(v.astype(np.float64).sum()),
                      'min': f32(v.min()), 'max': f32(v.max())} for k, v in data.items()},
    }


def main():
    out = {'pixels': PIXELS, 'cases': {}}
    d = tempfile.mkdtemp(prefix='timefunc-mintpy-')
    try:
        for f, p in FILES.items():
            shutil.copy(p, os.path.join(d, f))
        for name, (file, opts) in CASES.items():
            open(os.path.join(d, name + '.h5.cfg'), 'w').write('\n'.join(cfg_lines(opts)) + '\n')
            subprocess.run([sys.executable, '-m', 'mintpy', 'timeseries2velocity', file, '-t', name + '.h5.cfg',
                            '-o', name + '.h5'], cwd=d, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out['cases'][name] = collect(d, file, opts, name + '.h5')

        # bootstrap with recorded, seeded draws (in-process: default_rng replaced)
        file, opts = BOOT_REPLAY
        open(os.path.join(d, 'bootReplay.h5.cfg'), 'w').write('\n'.join(cfg_lines(opts)) + '\n')
        draws = []
        real_default_rng = np.random.default_rng

        class Recorder:
            def __init__(self):
                self.g = real_default_rng(SEED)

            def choice(self, *a, **k):
                r = self.g.choice(*a, **k)
                draws.append(r)  # MintPy sorts it in place afterwards
                return r

        np.random.default_rng = lambda *a, **k: Recorder()
        try:
            from mintpy.cli import timeseries2velocity as cli
            cwd = os.getcwd()
            os.chdir(d)
            with contextlib.redirect_stdout(io.StringIO()):
                cli.main([file, '-t', 'bootReplay.h5.cfg', '-o', 'bootReplay.h5'])
            os.chdir(cwd)
        finally:
            np.random.default_rng = real_default_rng
        rec = collect(d, file, opts, 'bootReplay.h5')
        rec['draws'] = [[int(i) for i in r] for r in draws]
        out['cases']['bootReplay'] = rec

        # bootstrap with exp: MintPy refuses
        file, opts = BOOT_REFUSED
        open(os.path.join(d, 'bootExp.cfg'), 'w').write('\n'.join(cfg_lines(opts)) + '\n')
        p = subprocess.run([sys.executable, '-m', 'mintpy', 'timeseries2velocity', file, '-t', 'bootExp.cfg',
                            '-o', 'bootExp.h5'], cwd=d, capture_output=True, text=True)
        out['bootExpRefused'] = {
            'template': cfg_lines(opts),
            'returncode': p.returncode,
            'error': [l for l in p.stderr.strip().splitlines() if l.strip()][-1].split('ValueError')[-1].strip(" '"),
        }
        # the float32 normal matrix alone, beyond the cases: designs up to 17 parameters (where OpenBLAS still
        # factorises with getf2) on the fixture's dates, and GᵀG of long integer-valued series (K chunking)
        from mintpy.utils import time_func
        with h5py.File(os.path.join(d, TS)) as h:
            dates = [x.decode() for x in h['date'][:]]
            seconds = h.attrs['CENTER_LINE_UTC']
        out['gram'] = []
        for opts in GRAM_MODELS:
            model = {'polynomial': int(opts.get('polynomial', 1)), 'periodic': opts.get('periodic', []),
                     'stepDate': opts.get('stepDate', []), 'exp': opts.get('exp', {}), 'log': opts.get('log', {})}
            G = time_func.get_design_matrix4time_func(dates, model=model, seconds=seconds)
            out['gram'].append({
                'model': listed(model),
                'designSha256': hashlib.sha256(np.ascontiguousarray(G, dtype='<f4').tobytes()).hexdigest(),
                'gramInvDiag': [f32(v) for v in np.diag(linalg.inv(np.dot(G.T, G)))],
            })
        # random designs: 5 … 17 parameters on 12 … 30 of the fixture's dates
        rng = np.random.default_rng(17)
        out['gramRandom'] = []
        while len(out['gramRandom']) < 100:
            nd = int(rng.integers(12, len(dates) + 1))
            idx = sorted(rng.choice(len(dates), nd, replace=False).tolist())
            ds = [dates[i] for i in idx]
            model = {'polynomial': int(rng.integers(0, 4)),
                     'periodic': [float(x) for x in rng.choice([1.0, 0.5, 0.25, 2.0, 0.3], int(rng.integers(0, 3)), replace=False)],
                     'stepDate': sorted({ds[int(rng.integers(1, nd - 1))] for _ in range(int(rng.integers(0, 3)))}),
                     'exp': {}, 'log': {}}
            for key in ('exp', 'log'):
                for _ in range(int(rng.integers(0, 3))):
                    model[key][ds[int(rng.integers(0, nd - 2))]] = sorted({int(x) for x in rng.integers(5, 300, int(rng.integers(1, 3)))})
            num = time_func.get_num_param(model)
            if num < 5 or num > 17 or num >= nd:
                continue
            G = time_func.get_design_matrix4time_func(ds, model=model, seconds=seconds)
            try:
                diag = np.diag(linalg.inv(np.dot(G.T, G)))
            except linalg.LinAlgError:
                continue
            if not np.all(np.isfinite(diag)):
                continue
            out['gramRandom'].append({
                'dates': idx, 'model': listed(model),
                'designSha256': hashlib.sha256(np.ascontiguousarray(G, dtype='<f4').tobytes()).hexdigest(),
                'gramInvDiag': [f32(v) for v in diag],
            })
        out['gramLong'] = []
        for N, P in [(300, 4), (321, 3), (700, 3), (1500, 2)]:
            G = synthetic(N, P)
            out['gramLong'].append({'N': N, 'P': P, 'gram': [f32(v) for v in np.dot(G.T, G).ravel()]})
    finally:
        shutil.rmtree(d)
    print(json.dumps(out, separators=(',', ':')))


main()
