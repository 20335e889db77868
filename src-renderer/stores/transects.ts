/**
 * Transects (QGIS's profile tool, MintPy's plot_transection): several lines at once, A–A′, B–B′, …, each a
 * MintPy transect_lalo of the shown layer and, with a swath width, the band of every pixel within width/2 of
 * the line (mean ± std or quartiles) — computed on the main side by src-core (transectLalo, swathProfile),
 * never here. They follow the shown layer and date (the latest read wins), and the display reference.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { LayerRef, Transect } from '../../src-shared/api';
import { chartCsv, chartSvg, type ChartSeries, type ChartSpec } from '../../src-core/common/export/chart';
import { applyOffset } from '../../src-core/common/derived/displayReference';
import { api } from '../api/client';
import { download, fileSafe, svgToPng } from '../download';
import { displayUnits } from '../units';
import { useUiStore } from './ui';
import { useLayersStore } from './layers';
import { useDisplayRefStore } from './displayRef';
import { useProjectStore } from './project';
import { REGION_BANDS, type RegionBand } from './pixelChart';

export interface TransectLine {
  id: number;
  /** 'A', 'B', … (its ends are A and A′ on the map) */
  name: string;
  color: string;
  start: [number, number];
  end: [number, number];
  /** the profile of the layer it was last read from */
  result: Transect | null;
}

/** Transect colours (Dark2: distinct on the RdBu and viridis maps and on white). */
export const TRANSECT_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#a6761d'];
const NAMES = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const useTransectsStore = defineStore('transects', () => {
  /** the first point of a line being drawn ([lat, lon]) */
  const pending = ref<[number, number] | null>(null);
  const list = shallowRef<TransectLine[]>([]);
  /** swath width in km (0 = the line's samples only) */
  const widthKm = ref(0);
  const band = ref<RegionBand>('std');
  /** the x range in view (km), null = all */
  const range = ref<[number, number] | null>(null);
  let nextId = 1;
  let seq = 0;

  const layers = () => useLayersStore();

  function reset(): void {
    pending.value = null;
    list.value = [];
    range.value = null;
    nextId = 1;
  }

  async function read(t: Pick<TransectLine, 'start' | 'end'>, ref: LayerRef): Promise<Transect | undefined> {
    const opts = widthKm.value > 0 ? { widthKm: widthKm.value } : undefined;
    return useUiStore().guarded(() => api.transect(ref, t.start, t.end, opts), 'Computing the transect');
  }

  /** A map click: the first one starts a line, the second ends it and reads its profile. */
  async function addPoint(lat: number, lon: number): Promise<boolean> {
    if (!pending.value) {
      pending.value = [lat, lon];
      return false;
    }
    const start = pending.value;
    pending.value = null;
    return add(start, [lat, lon]);
  }

  /** A new line from start to end ([lat, lon]) on the shown layer. */
  async function add(start: [number, number], end: [number, number]): Promise<boolean> {
    const ref = layers().active?.ref;
    if (!ref) {
      useUiStore().toast('Show a layer first: a transect is a profile of the shown layer', 'info');
      return false;
    }
    const r = await read({ start, end }, ref);
    if (!r) return false;
    const id = nextId++;
    const t: TransectLine = {
      id,
      name: NAMES[(id - 1) % NAMES.length] + (id > NAMES.length ? String(Math.floor((id - 1) / NAMES.length)) : ''),
      color: TRANSECT_COLORS[(id - 1) % TRANSECT_COLORS.length],
      start,
      end,
      result: markRaw(r),
    };
    list.value = [...list.value, t];
    return true;
  }

  function remove(id: number): void {
    list.value = list.value.filter((t) => t.id !== id);
    if (!list.value.length) range.value = null;
  }

  /** Every line read again (another layer, date, reference date, swath width); the latest request wins. */
  async function refresh(): Promise<void> {
    const ref = layers().active?.ref;
    if (!ref || !list.value.length) return;
    const my = ++seq;
    const out: TransectLine[] = [];
    for (const t of list.value) {
      const r = await read(t, ref);
      out.push({ ...t, result: r ? markRaw(r) : null });
    }
    if (my === seq) list.value = out;
  }

  async function setWidth(km: number): Promise<void> {
    widthKm.value = Number.isFinite(km) && km > 0 ? km : 0;
    await refresh();
  }

  // the profiles follow the shown layer, its date and reference date
  watch(
    () => JSON.stringify(layers().active?.ref ?? null),
    () => void refresh(),
  );

  /** The profiles as one ChartSpec (distance in km; values in display units, minus the display offset). */
  const spec = computed<ChartSpec | null>(() => {
    const shown = list.value.filter((t) => t.result);
    if (!shown.length) return null;
    const r0 = shown[0].result!;
    const u = displayUnits(r0.units, r0.fileType);
    const off = useDisplayRefStore().offset;
    const v = (x: number) => applyOffset(x, off) * u.scale;
    const bandName = REGION_BANDS[band.value];
    const series: ChartSeries[] = shown.map((t) => {
      const r = t.result!;
      const sw = r.swath;
      if (sw) {
        const centre = band.value === 'std' ? sw.mean : sw.median;
        const lo = band.value === 'std' ? Array.from(sw.mean, (m, i) => m - sw.std[i]) : Array.from(sw.p25);
        const hi = band.value === 'std' ? Array.from(sw.mean, (m, i) => m + sw.std[i]) : Array.from(sw.p75);
        return {
          label: `${t.name}–${t.name}′ (swath ${sw.widthKm} km)`,
          color: t.color,
          x: Array.from(sw.distance, (d) => d / 1000),
          y: Array.from(centre, v),
          lower: lo.map(v),
          upper: hi.map(v),
          bandLabel: bandName,
          style: 'line',
          extra: [{ name: 'pixels', values: sw.count }],
        };
      }
      return {
        label: `${t.name}–${t.name}′`,
        color: t.color,
        x: Array.from(r.distanceKm),
        y: Array.from(r.values, v),
        style: 'line',
      };
    });
    const ref = r0.ref;
    const info = layers().list.find((l) => l.file === ref.file && l.dataset === ref.dataset);
    const what = `${info?.label ?? ref.dataset}${ref.date ? ` ${ref.date}` : ''}`;
    const notes: string[] = [];
    const d = useDisplayRefStore();
    if (ref.refDate) notes.push(`relative to ${ref.refDate}`);
    if (d.pixel && d.applies) notes.push(`display reference pixel row ${d.pixel.row}, col ${d.pixel.col} (view only)`);
    if (shown.some((t) => t.result!.swath))
      notes.push(`swath: ${bandName} of the pixels within ${widthKm.value / 2} km of each line, by distance bin`);
    else notes.push("MintPy's transect_lalo: linear interpolation, no-data and zero samples left out");
    return {
      title: `Transects of ${what}`,
      xAxis: 'linear',
      xLabel: 'distance [km]',
      yLabel: `${info?.label ?? ref.dataset} [${u.label}]`,
      unit: u.label,
      notes,
      series,
      ...(range.value ? { xRange: range.value } : {}),
    };
  });

  /** What the transect chart shows, as a file: CSV, SVG (the core's figure) or PNG (that figure rasterised). */
  async function exportAs(kind: 'csv' | 'svg' | 'png'): Promise<void> {
    const sp = spec.value;
    if (!sp) return;
    const name = `${fileSafe(`transects_${useProjectStore().info?.name ?? 'project'}`)}.${kind}`;
    if (kind === 'csv') download(name, new Blob([chartCsv(sp)], { type: 'text/csv' }));
    else if (kind === 'svg') download(name, new Blob([chartSvg(sp)], { type: 'image/svg+xml' }));
    else {
      const png = await useUiStore().guarded(() => svgToPng(chartSvg(sp)), 'PNG export');
      if (!png) return;
      download(name, png);
    }
    useUiStore().toast(`Exported ${name}`, 'info');
  }

  return { pending, list, widthKm, band, range, spec, reset, addPoint, add, remove, refresh, setWidth, exportAs };
});
