/** Every map-layer adapter in this folder, in drawing order: a new kind of map layer is one new file here. */
import type { MapLayerAdapter } from './types';

const modules = import.meta.glob<MapLayerAdapter>(['./*.ts', '!./index.ts', '!./types.ts', '!./*.test.ts'], {
  eager: true,
  import: 'default',
});

export const MAP_LAYERS: readonly MapLayerAdapter[] = Object.values(modules).sort((a, b) => a.order - b.order);
