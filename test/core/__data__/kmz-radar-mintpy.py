# Expected placemarks for the radar-coded KMZ test (test/core/export-kmz.test.ts): MintPy 1.5.1's save_kmz on a
# small synthetic radar-coded velocity + geometry (latitude/longitude) made here. Debian python3 + mintpy:
#   python3 test/core/__data__/kmz-radar-mintpy.py test/core/__data__/kmz-radar-mintpy.json
import base64, json, os, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
import h5py
import numpy as np

b64 = lambda a: base64.b64encode(np.ascontiguousarray(a, dtype='<f4').tobytes()).decode()
rng = np.random.default_rng(3)
L, W = 23, 17
atr = {'FILE_TYPE': 'velocity', 'UNIT': 'm/year', 'LENGTH': str(L), 'WIDTH': str(W), 'REF_Y': '7', 'REF_X': '4',
       'PLATFORM': 'Sen', 'ORBIT_DIRECTION': 'ASCENDING', 'WAVELENGTH': '0.0555'}
v = rng.normal(0, 0.02, (L, W)).astype(np.float32); v[7, 4] = 0; v[3, 5] = np.nan; v[10, 10] = np.nan
lat = (36.1 + 0.0013 * np.arange(L)[:, None] + 0.0002 * np.arange(W)[None, :]).astype(np.float32)
lon = (-119.6 - 0.0003 * np.arange(L)[:, None] + 0.0021 * np.arange(W)[None, :]).astype(np.float32)
tmp = tempfile.mkdtemp()
with h5py.File(f'{tmp}/velocity.h5', 'w') as h:
    h.attrs.update(atr); h['velocity'] = v
with h5py.File(f'{tmp}/geometryRadar.h5', 'w') as h:
    h.attrs.update({**atr, 'FILE_TYPE': 'geometry'}); h['latitude'] = lat; h['longitude'] = lon
subprocess.run([sys.executable, '-m', 'mintpy', 'save_kmz', f'{tmp}/velocity.h5', '-g', f'{tmp}/geometryRadar.h5',
                '--step', '3', '--kk', '-o', f'{tmp}/velocity.kmz'], check=True, stdout=subprocess.DEVNULL)
K = '{http://www.opengis.net/kml/2.2}'
pms = []
for pm in ET.parse(f'{tmp}/velocity.kml').getroot().iter(K + 'Placemark'):
    d = {x.get('name'): x.find(K + 'value').text for x in pm.iter(K + 'Data')}
    pms.append({'name': (pm.find(K + 'name').text if pm.find(K + 'name') is not None else None),
                'color': pm.find(f'.//{K}color').text, 'scale': pm.find(f'.//{K}scale').text,
                'href': pm.find(f'.//{K}href').text, 'data': d, 'coordinates': pm.find(f'.//{K}coordinates').text})
json.dump({'attrs': atr, 'velocity': b64(v), 'latitude': b64(lat), 'longitude': b64(lon), 'step': 3, 'placemarks': pms},
          open(sys.argv[1], 'w'), ensure_ascii=False)
