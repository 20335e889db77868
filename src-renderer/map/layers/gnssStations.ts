/** GNSS stations (stores/gnss): a triangle-ish marker and the site name; stations off the data greyed. */
import { useGnssStore } from '../../stores/gnss';
import { addGeoJson, fc, point, removeGeoJson, setGeoJson } from '../geojson';
import { clearLabels, setLabels } from '../labels';
import { defineMapLayer, present, type MapContext } from './types';

const ID = 'gnss';
const LAYERS = [`${ID}-pts`];

interface State {
  stations: { site: string; lat: number; lon: number; color: string; inside: boolean; chart: boolean }[];
}

const data = (s: State) =>
  fc(
    s.stations
      .filter((x) => Number.isFinite(x.lat) && Number.isFinite(x.lon))
      .map((x) => point(x.lon, x.lat, { site: x.site, color: x.inside ? x.color : '#888', chart: x.chart ? 1 : 0 })),
  );

function labels({ map }: MapContext, s: State): void {
  setLabels(
    map,
    ID,
    s.stations
      .filter((x) => Number.isFinite(x.lat) && Number.isFinite(x.lon))
      .map((x) => ({
        lat: x.lat,
        lon: x.lon,
        text: x.site,
        color: x.inside ? x.color : '#888',
        name: `GNSS station ${x.site}${x.inside ? '' : ' (outside the data)'}`,
      })),
  );
}

export default defineMapLayer<State>({
  id: ID,
  order: 62,
  state: () => {
    const g = useGnssStore();
    return {
      stations: g.stations.map((s) => ({
        site: s.site,
        lat: s.lat,
        lon: s.lon,
        color: g.colorOf(s.site),
        inside: s.row !== null,
        chart: g.inChart.includes(s.site),
      })),
    };
  },
  add(ctx, s) {
    addGeoJson(
      ctx.map,
      ID,
      data(s),
      [
        {
          id: LAYERS[0],
          type: 'circle',
          paint: {
            'circle-radius': ['case', ['==', ['get', 'chart'], 1], 6, 4.5],
            'circle-color': ['get', 'color'],
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 1.5,
          },
        },
      ],
      ctx.beforeId(),
    );
    labels(ctx, s);
  },
  update(ctx, s, prev) {
    setGeoJson(ctx.map, ID, data(s));
    if (JSON.stringify(s) !== JSON.stringify(prev)) labels(ctx, s);
  },
  remove({ map }) {
    clearLabels(ID);
    removeGeoJson(map, ID, LAYERS);
  },
  layerIds: (map) => present(map, LAYERS),
});
