# Expected placemarks for test/core/export-kmz-timeseries.test.ts, from MintPy 1.5.1's own time-series KMZ of
# the cv-tiny fixture. Made with Debian's python3 + mintpy:
#   cd <tmp with copies of timeseries.h5 velocity.h5 temporalCoherence.h5 maskTempCoh.h5 from cv-tiny/mintpy>
#   python3 -m mintpy save_kmz_timeseries timeseries.h5 --vel velocity.h5 --tcoh temporalCoherence.h5 --mask maskTempCoh.h5 --kk
#   python3 <this file> <that tmp dir> test/core/__data__/kmz-timeseries-mintpy.json
import json, sys
import xml.etree.ElementTree as ET

ns = {'k': 'http://www.opengis.net/kml/2.2'}
d = sys.argv[1]

def placemarks(path, limit=None):
    out = []
    for pm in ET.parse(path).getroot().iter('{http://www.opengis.net/kml/2.2}Placemark'):
        desc = pm.find('k:description', ns).text
        out.append({
            'color': pm.find('.//k:color', ns).text,
            'coordinates': pm.find('.//k:coordinates', ns).text,
            'stats': desc.split('</font>')[0],
        })
        if limit and len(out) >= limit:
            break
    return out

res = {
    'ref': placemarks(f'{d}/timeseries_root.kml')[0],
    '20by20': placemarks(f'{d}/kml_data/20by20/region_0.kml'),
    '5by5': placemarks(f'{d}/kml_data/5by5/region_0.kml', limit=120),
}
json.dump(res, open(sys.argv[2], 'w'), ensure_ascii=False, indent=0)
