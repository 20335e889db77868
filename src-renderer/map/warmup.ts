/**
 * WebGL programs compiled before they are needed. MapLibre compiles the program of a kind of layer (raster,
 * circle, …) the first time it draws one, and the page's main thread waits for it: in software WebGL
 * 50–250 ms each. The data's raster program would be compiled when the project's first tiles are drawn, on the
 * way to its first picture. Drawn once here when the map loads — while the page waits for main's first
 * answers — with nothing to see: a transparent pixel over the world, taken off again after that frame.
 */
import type { Map as MlMap } from 'maplibre-gl';

const ID = 'warmup-raster';

export function warmPrograms(map: MlMap): void {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1; // transparent
  map.addSource(ID, {
    type: 'canvas',
    canvas,
    animate: false,
    coordinates: [
      [-180, 85],
      [180, 85],
      [180, -85],
      [-180, -85],
    ],
  });
  map.addLayer({ id: ID, type: 'raster', source: ID, paint: { 'raster-fade-duration': 0 } });
  // the frame after the source is ready has drawn it: the program is compiled, the layer can go
  let ready = false;
  const onRender = () => {
    if (!ready) {
      ready = map.isSourceLoaded(ID);
      return;
    }
    map.off('render', onRender);
    if (map.getLayer(ID)) map.removeLayer(ID);
    if (map.getSource(ID)) map.removeSource(ID);
  };
  map.on('render', onRender);
}
