/** The shown data layer, coloured in the raster worker with the shared colormap; mask and no-data transparent. */
import type { LayerData } from '../../../src-shared/api';
import { useLayersStore, type LayerEntry } from '../../stores/layers';
import { runTask } from '../../workers/rasterClient';
import { hideImage, removeImage, setImage } from '../imageRaster';
import { defineMapLayer, type MapContext } from './types';

const ID = 'data';
let seq = 0;

interface State {
  entry: LayerEntry | null;
  data: LayerData | null;
  mask: Uint8Array | null;
  maskOn: boolean;
  scale: number;
}

async function draw(ctx: MapContext, s: State): Promise<void> {
  const my = ++seq;
  const { entry: e, data: d } = s;
  if (!e || !d) return hideImage(ctx.map, ID);
  const mask = s.maskOn && s.mask && s.mask.length === d.values.length ? s.mask.slice() : null;
  const { blob } = await runTask('colorize', {
    values: d.values.slice(),
    width: d.grid.width,
    height: d.grid.length,
    cmap: e.cmap,
    vmin: e.vmin,
    vmax: e.vmax,
    scale: s.scale,
    mask,
  });
  if (my === seq) setImage(ctx.map, ID, blob, d.grid, ctx.beforeId(), e.opacity, e.visible);
}

export default defineMapLayer<State>({
  id: ID,
  order: 20,
  state: () => {
    const l = useLayersStore();
    return { entry: l.active, data: l.data, mask: l.mask, maskOn: l.maskOn, scale: l.units.scale };
  },
  add: draw,
  async update(ctx, s, prev) {
    const a = s.entry;
    const b = prev.entry;
    const recolour =
      s.data !== prev.data ||
      s.mask !== prev.mask ||
      s.maskOn !== prev.maskOn ||
      a?.cmap !== b?.cmap ||
      a?.vmin !== b?.vmin ||
      a?.vmax !== b?.vmax;
    if (recolour) await draw(ctx, s);
    else if (a && ctx.map.getLayer(ID)) {
      ctx.map.setPaintProperty(ID, 'raster-opacity', a.opacity);
      ctx.map.setLayoutProperty(ID, 'visibility', a.visible ? 'visible' : 'none');
    }
  },
  remove: ({ map }) => removeImage(map, ID),
  layerIds: (map) => (map.getLayer(ID) ? [ID] : []),
});
