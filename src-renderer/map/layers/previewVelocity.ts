/**
 * The edit preview's velocity (stores/preview.ts) over the data layer, in the velocity layer's colours when
 * that is the one shown (else RdBu_r over the preview's own 2–98 % range); transparent where not inverted.
 */
import { usePreviewStore } from '../../stores/preview';
import { useLayersStore } from '../../stores/layers';
import type { PreviewData } from '../../../src-shared/api';
import { runTask } from '../../workers/rasterClient';
import { displayUnits } from '../../units';
import { hideImage, removeImage, setImage } from '../imageSource';
import { defineMapLayer, type MapContext } from './types';

const ID = 'preview-velocity';
let seq = 0;

interface State {
  data: PreviewData | null;
  cmap: string;
  vmin: number;
  vmax: number;
}

async function draw(ctx: MapContext, s: State): Promise<void> {
  const my = ++seq;
  const d = s.data;
  if (!d) return hideImage(ctx.map, ID);
  const { blob } = await runTask('colorImage', {
    values: d.values.slice(),
    width: d.grid.width,
    height: d.grid.length,
    cmap: s.cmap,
    vmin: s.vmin,
    vmax: s.vmax,
    scale: displayUnits(d.units, 'velocity').scale,
  });
  if (my === seq) setImage(ctx.map, ID, blob, d.grid, ctx.beforeId(), 1, true);
}

export default defineMapLayer<State>({
  id: ID,
  order: 21,
  state: () => {
    const data = usePreviewStore().data;
    const e = useLayersStore().active;
    const scale = data ? displayUnits(data.units, 'velocity').scale : 1;
    const own = e?.ref.file === 'velocity.h5' && e.ref.dataset === 'velocity';
    return {
      data,
      cmap: own ? e.cmap : 'RdBu_r',
      vmin: own ? e.vmin : (data?.stats.p2 ?? 0) * scale,
      vmax: own ? e.vmax : (data?.stats.p98 ?? 0) * scale,
    };
  },
  add: draw,
  async update(ctx, s, prev) {
    if (s.data !== prev.data || s.cmap !== prev.cmap || s.vmin !== prev.vmin || s.vmax !== prev.vmax)
      await draw(ctx, s);
  },
  remove: ({ map }) => removeImage(map, ID),
  layerIds: (map) => (map.getLayer(ID) ? [ID] : []),
});
