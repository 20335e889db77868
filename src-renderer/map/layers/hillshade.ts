/** The DEM hillshade under the data (Horn's gradient in the raster worker). */
import type { LayerData } from '../../../src-shared/api';
import { useLayersStore } from '../../stores/layers';
import { runTask } from '../../workers/rasterClient';
import { hideImage, removeImage, setImage } from '../imageRaster';
import { defineMapLayer, type MapContext } from './types';

const ID = 'hillshade';
let seq = 0;

async function draw(ctx: MapContext, h: LayerData | null, visible: boolean): Promise<void> {
  const my = ++seq;
  if (!h) return hideImage(ctx.map, ID);
  const g = h.grid;
  const latMid = g.yFirst + (g.length / 2) * g.yStep;
  const { blob } = await runTask('hillshade', {
    height: h.values.slice(),
    width: g.width,
    length: g.length,
    dx: Math.abs(g.xStep) * 111_320 * Math.cos((latMid * Math.PI) / 180),
    dy: Math.abs(g.yStep) * 110_540,
    azimuthDeg: 315,
    altitudeDeg: 45,
  });
  if (my === seq) setImage(ctx.map, ID, blob, g, ctx.beforeId(), 0.55, visible);
}

export default defineMapLayer({
  id: ID,
  order: 10,
  state: () => {
    const l = useLayersStore();
    return { height: l.height, visible: l.hillshade };
  },
  add: (ctx, s) => draw(ctx, s.height, s.visible),
  async update(ctx, s, prev) {
    if (s.height !== prev.height) await draw(ctx, s.height, s.visible);
    else if (ctx.map.getLayer(ID)) ctx.map.setLayoutProperty(ID, 'visibility', s.visible ? 'visible' : 'none');
  },
  remove: ({ map }) => removeImage(map, ID),
  layerIds: (map) => (map.getLayer(ID) ? [ID] : []),
});
