"""Expected values for test/core/geo.test.ts from the tools MintPy's NISAR loader uses: pyproj (CRS
transforms), scipy's RegularGridInterpolator (radar-grid cubes) and GDAL's warper (gdal.Warp bilinear /
near with its default approximate transformer, as prep_nisar's _warp_to_grid_mem calls it).

Cases (synthetic, fixed seed): a rough 1-arc-second DEM in EPSG:4326 (160 × 120 px) warped onto
UTM 11N grids at 80 m (kernel scale ≈ 0.31 × 0.39), at 60 m and at 15 m (upsampling: plain bilinear);
nearest onto the 80 m grid; an 80 m grid reaching beyond the DEM (GDAL leaves 0 there). Arrays are
little-endian float32, base64. A DEM with no-data holes is left out (GDAL's masked kernel differs, see warp.ts).

Run:  /usr/bin/python3 test/core/__data__/geo-gdal.py > test/core/__data__/geo-gdal.json
"""
import base64
import json

import numpy as np
from osgeo import gdal, osr
from pyproj import Transformer
from scipy.interpolate import RegularGridInterpolator

rng = np.random.default_rng(7)
out = {}

# 1. pyproj
pts = [(-119.6, 36.1), (-119.5, 36.05), (-117.0, 0.0), (-122.99, 49.5), (-114.01, 31.0)]
out['utm11n'] = [list(Transformer.from_crs(4326, 32611, always_xy=True).transform(lon, lat)) for lon, lat in pts]
out['utm11n_points'] = pts
pts_s = [(151.2, -33.9), (147.5, -42.0)]
out['utm56s'] = [list(Transformer.from_crs(4326, 32756, always_xy=True).transform(lon, lat)) for lon, lat in pts_s]
out['utm56s_points'] = pts_s
tb = Transformer.from_crs('EPSG:4326', 'EPSG:32611', always_xy=True).transform_bounds(-119.62, 36.06, -119.51, 36.14, densify_pts=21)
out['transform_bounds'] = list(tb)

# 2. scipy RGI on a cube with a descending y axis
h = np.array([-500.0, 0.0, 500.0, 1000.0, 2000.0])
y = np.array([4001400.0, 4000200.0, 3999000.0, 3997800.0])
x = np.array([265000.0, 266500.0, 268000.0, 269500.0, 271000.0, 272500.0])
cube = rng.normal(size=(h.size, y.size, x.size)) * 10 + 30
q = np.column_stack([rng.uniform(-600, 2100, 40), rng.uniform(3997000, 4001500, 40), rng.uniform(264900, 272600, 40)])
q[0] = [0.0, 4000200.0, 266500.0]      # exactly on nodes
q[1] = [2000.0, 3997800.0, 272500.0]   # upper corner
axes = [h, y[::-1], x]
rgi = RegularGridInterpolator(axes, np.flip(cube, axis=1), method='linear', bounds_error=False, fill_value=np.nan)
out['cube'] = {'h': h.tolist(), 'y': y.tolist(), 'x': x.tolist(), 'values': cube.ravel().tolist(),
               'points': q.tolist(), 'expected': [None if np.isnan(v) else v for v in rgi(q).tolist()]}

# 3. GDAL warps of a synthetic DEM
W, L = 160, 120
lon0, lat0, d = -119.625, 36.145, 1 / 3600
yy, xx = np.mgrid[0:L, 0:W]
dem = (400 + 300 * np.sin(xx / 23.0) * np.cos(yy / 17.0) + rng.normal(size=(L, W)) * 15).astype(np.float32)
drv = gdal.GetDriverByName('MEM')
src = drv.Create('', W, L, 1, gdal.GDT_Float32)
src.SetGeoTransform((lon0, d, 0, lat0, 0, -d))
srs = osr.SpatialReference(); srs.ImportFromEPSG(4326); src.SetProjection(srs.ExportToWkt())
src.GetRasterBand(1).WriteArray(dem)
b64 = lambda a: base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode()
out['dem'] = {'width': W, 'length': L, 'geoTransform': [lon0, d, 0, lat0, 0, -d], 'float32': b64(dem)}

def warp(epsg, x0, y0, step, w, l, alg):
    bounds = (x0, y0 - l * step, x0 + w * step, y0)
    o = gdal.Warp('', src, options=gdal.WarpOptions(format='MEM', outputBounds=bounds, srcSRS='EPSG:4326',
                                                   dstSRS=f'EPSG:{epsg}', width=w, height=l, resampleAlg=alg))
    return {'epsg': epsg, 'geoTransform': [x0, step, 0, y0, 0, -step], 'width': w, 'length': l, 'alg': alg,
            'float32': b64(o.ReadAsArray())}

# the DEM's UTM footprint: grids placed inside it (and one reaching beyond it)
tf = Transformer.from_crs(4326, 32611, always_xy=True)
ex, ey = tf.transform([lon0, lon0 + W * d, lon0, lon0 + W * d], [lat0, lat0, lat0 - L * d, lat0 - L * d])
X0, Y0 = float(np.ceil(max(ex[0], ex[2]) / 10) * 10 + 100), float(np.floor(min(ey[0], ey[1]) / 10) * 10 - 100)
out['warps'] = [
    warp(32611, X0, Y0, 80.0, 40, 30, 'bilinear'),
    warp(32611, X0, Y0, 60.0, 50, 40, 'bilinear'),
    warp(32611, X0 + 500, Y0 - 500, 15.0, 40, 30, 'bilinear'),
    warp(32611, X0, Y0, 80.0, 40, 30, 'near'),
    warp(32611, X0 - 800, Y0 + 800, 80.0, 60, 50, 'bilinear'),  # partly outside the DEM: 0 there
]
print(json.dumps(out))
