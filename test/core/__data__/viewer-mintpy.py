# Expected values for test/core/viewer.test.ts, made with MintPy 1.5.1 (Debian) from the cv-tiny fixture:
#   /usr/bin/python3 test/core/__data__/viewer-mintpy.py <fixtures>/cv-tiny/mintpy test/core/__data__/viewer-mintpy.json
# 1. tsview's own re-referencing (tsview.read_timeseries_data with --ref-yx / --ref-date, display unit m) at
#    sample pixels; 2. a polygon's pixels (matplotlib Path, pixel centres), tsview's display mask
#    (maskTempCoh.h5 and non-zero series), and numpy's nanmean / nanstd / nanpercentile per date after
#    --ref-date; 3. tsview.get_model_param_str lines for velocity_periodic_step.h5 pixels and for a synthetic
#    model with every kind of term (polynomial 2, annual, semi-annual, step, exp, two logs).
import argparse, json, sys
import numpy as np
from matplotlib.path import Path
from mintpy import tsview, timeseries2velocity as ts2vel
from mintpy.objects import timeseries
from mintpy.utils import readfile

d, out_path = sys.argv[1], sys.argv[2]
tsfile = f'{d}/timeseries.h5'
atr = readfile.read_attribute(tsfile)
L, W = int(atr['LENGTH']), int(atr['WIDTH'])
obj = timeseries(tsfile)
obj.open(print_msg=False)
dates = obj.dateList
tsview.vprint = lambda *a, **k: None

pixels = [[11, 63], [20, 30], [40, 50], [55, 99], [60, 120], [75, 140], [90, 10], [30, 150], [50, 80], [70, 60]]
cases = []
for ref_yx, ref_idx in [(None, 7), ((40, 50), None), ((40, 50), 7), ((55, 99), 20)]:
    inps = argparse.Namespace(
        file=[tsfile], date_list=dates, num_date=len(dates), pix_box=(0, 0, W, L), multilook_num=1,
        ref_yx=ref_yx, ref_idx=ref_idx, disp_unit='m', mask_file=None, print_msg=False,
        vlim=[-1, 1], ylim=[-1, 1], zero_first=False, offset=None, ex_flag=np.ones(len(dates), np.bool_))
    data = tsview.read_timeseries_data(inps)[0][0]
    cases.append({
        'refYX': list(ref_yx) if ref_yx else None,
        'refDate': dates[ref_idx] if ref_idx is not None else None,
        'values': [data[:, y, x].astype(float).tolist() for y, x in pixels],
    })

# polygon (lat, lon) over the bowl's edge, partly over pixels maskTempCoh.h5 drops
poly = [[36.1163, -119.5912], [36.1107, -119.4809], [36.0318, -119.4716], [36.0154, -119.5531], [36.0611, -119.6017]]
x_first, y_first = float(atr['X_FIRST']), float(atr['Y_FIRST'])
x_step, y_step = float(atr['X_STEP']), float(atr['Y_STEP'])
rr, cc = np.mgrid[0:L, 0:W]
centres = np.column_stack([(x_first + (cc + 0.5) * x_step).ravel(), (y_first + (rr + 0.5) * y_step).ravel()])
inside = Path([(lo, la) for la, lo in poly]).contains_points(centres)
ts = readfile.read(tsfile)[0]
mask = readfile.read(f'{d}/maskTempCoh.h5')[0].astype(bool).ravel()
stack = np.nansum(ts, axis=0).ravel()
keep = inside & mask & (stack != 0.) & ~np.isnan(stack)
ref_idx = 7
vals = ts.reshape(len(dates), -1)[:, keep]
vals = vals - vals[ref_idx]  # float32, as tsview --ref-date
v64 = vals.astype(np.float64)
region = {
    'polygon': poly, 'refDate': dates[ref_idx], 'inside': int(inside.sum()), 'kept': int(keep.sum()),
    'pixels': np.flatnonzero(keep).tolist(),
    'mean': np.nanmean(v64, axis=1).tolist(), 'std': np.nanstd(v64, axis=1).tolist(),
    'p25': np.nanpercentile(v64, 25, axis=1).tolist(), 'median': np.nanpercentile(v64, 50, axis=1).tolist(),
    'p75': np.nanpercentile(v64, 75, axis=1).tolist(),
}

def to_cm(ds, units):
    return {k: np.array([float(v) * 100.0 if units[k].split('/')[0] == 'm' else float(v)]) for k, v in ds.items()}

terms = []
vfile = f'{d}/variants/velocity_periodic_step.h5'
vatr = readfile.read_attribute(vfile)
model = {'polynomial': 1, 'periodic': [1.0, 0.5], 'stepDate': ['20180412'], 'exp': {}, 'log': {}}
units = ts2vel.model2hdf5_dataset(model)[2]
for y, x in pixels[:6]:
    ds = {}
    for name in units.keys():
        ds[name] = float(readfile.read(vfile, datasetName=name, box=(x, y, x + 1, y + 1))[0].ravel()[0])
    terms.append({'file': 'variants/velocity_periodic_step.h5', 'row': y, 'col': x,
                  'lines': tsview.get_model_param_str(model, to_cm(ds, units), disp_unit='cm')})

rng = np.random.default_rng(11)
full = {'polynomial': 2, 'periodic': [1.0, 0.5], 'stepDate': ['20180412'], 'exp': {'20180601': [60]},
        'log': {'20180801': [90, 200]}}
P = 3 + 4 + 1 + 1 + 2
synthetic = []
for k in range(4):
    m = rng.normal(0, 10.0 ** rng.integers(-4, 0), (P, 1))
    s = np.abs(rng.normal(0, 1e-3, (P, 1)))
    ds_m, _, u = ts2vel.model2hdf5_dataset(full, m, s)
    ds = {n: float(v[0]) for n, v in ds_m.items()}
    synthetic.append({'datasets': ds, 'lines': tsview.get_model_param_str(full, to_cm(ds, u), disp_unit='cm')})

json.dump({'dates': dates, 'pixels': pixels, 'cases': cases, 'region': region, 'terms': terms,
           'synthetic': {'model': {'polynomial': 2, 'periodic': [1.0, 0.5], 'stepDate': ['20180412'],
                                   'exp': [{'onset': '20180601', 'tau': [60]}],
                                   'log': [{'onset': '20180801', 'tau': [90, 200]}]},
                         'cases': synthetic}}, open(out_path, 'w'))
print('wrote', out_path)
