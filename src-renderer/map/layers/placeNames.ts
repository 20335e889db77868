/** Place names of the offline basemap (stores/places): a dot per town, the most populous labelled. */
import { usePlacesStore, LABELLED } from '../../stores/places';
import { useUiStore } from '../../stores/ui';
import { addGeoJson, fc, point, removeGeoJson, setGeoJson } from '../geojson';
import { clearLabels, setLabels } from '../labels';
import { defineMapLayer, present, setPaint, type MapContext } from './types';

const ID = 'places';
const LAYERS = [`${ID}-dots`];

interface State {
  on: boolean;
  places: { name: string; lat: number; lon: number; population: number }[];
  theme: string;
}

const data = (s: State) =>
  fc(s.on ? s.places.map((p) => point(p.lon, p.lat, { name: p.name, big: p.population >= 20000 ? 1 : 0 })) : []);

function labels({ map }: MapContext, s: State): void {
  if (!s.on) return clearLabels(ID);
  const c = s.theme === 'dark' ? '#ddd' : '#333';
  setLabels(
    map,
    ID,
    s.places.slice(0, LABELLED).map((p) => ({
      lat: p.lat,
      lon: p.lon,
      text: p.name,
      color: c,
      name: `${p.name} (population ${p.population.toLocaleString('en-US')})`,
    })),
  );
}

export default defineMapLayer<State>({
  id: ID,
  order: 64,
  state: () => {
    const p = usePlacesStore();
    return {
      on: p.on,
      places: p.list.map((x) => ({ name: x.name, lat: x.lat, lon: x.lon, population: x.population })),
      theme: useUiStore().theme,
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
            'circle-radius': ['case', ['==', ['get', 'big'], 1], 4, 2.5],
            'circle-color': s.theme === 'dark' ? '#eee' : '#222',
            'circle-stroke-color': s.theme === 'dark' ? '#222' : '#fff',
            'circle-stroke-width': 1,
          },
        },
      ],
      ctx.beforeId(),
    );
    labels(ctx, s);
  },
  update(ctx, s, prev) {
    setGeoJson(ctx.map, ID, data(s));
    setPaint(ctx.map, LAYERS[0], 'circle-color', s.theme === 'dark' ? '#eee' : '#222');
    if (JSON.stringify(s) !== JSON.stringify(prev)) labels(ctx, s);
  },
  remove({ map }) {
    clearLabels(ID);
    removeGeoJson(map, ID, LAYERS);
  },
  layerIds: (map) => present(map, LAYERS),
});
