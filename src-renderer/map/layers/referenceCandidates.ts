/**
 * Reference-picking mode (stores/refCandidates): the pixels a reference may not go to, tinted by the rule
 * they fail (masked, water, no data); where the map stays clear a click is accepted.
 */
import { useRefCandidatesStore, candidatesRgba } from '../../stores/refCandidates';
import { hideImage, removeImage, setImage } from '../imageRaster';
import { defineMapLayer, present } from './types';
import type { ReferenceCandidatesInfo } from '../../../src-shared/api';

const ID = 'ref-candidates';

async function png(info: ReferenceCandidatesInfo): Promise<Blob | null> {
  const { width: w, length: h } = info.grid;
  if (typeof document === 'undefined') return null;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  ctx.putImageData(new ImageData(candidatesRgba(info.codes) as Uint8ClampedArray<ArrayBuffer>, w, h), 0, 0);
  return new Promise((ok) => c.toBlob((b) => ok(b), 'image/png'));
}

async function draw(
  ctx: Parameters<typeof setImage>[0],
  before: string | undefined,
  info: ReferenceCandidatesInfo | null,
) {
  if (!info) return hideImage(ctx, ID);
  const b = await png(info);
  if (b) setImage(ctx, ID, b, info.grid, before, 1, true);
}

export default defineMapLayer<{ info: ReferenceCandidatesInfo | null }>({
  id: ID,
  order: 25,
  state: () => ({ info: useRefCandidatesStore().info }),
  add: (ctx, s) => draw(ctx.map, ctx.beforeId(), s.info),
  update: (ctx, s) => draw(ctx.map, ctx.beforeId(), s.info),
  remove({ map }) {
    removeImage(map, ID);
  },
  layerIds: (map) => present(map, [ID]),
});
