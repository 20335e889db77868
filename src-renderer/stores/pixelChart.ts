/**
 * The pixel chart as one ChartSpec (src-core/common/export/chart.ts), built from what the other stores hold:
 * the inspected pixel with velocity.h5's fitted model and its ± band, the pinned pixels, the polygons' mean
 * series with their spread — every series as displayed (reference date, display reference pixel: src-core
 * displayReference) — and the zoom. The chart on screen, its CSV and its SVG/PNG figure draw from this spec.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { PixelSeries } from '../../src-shared/api';
import { chartCsv, chartSvg, type ChartSeries, type ChartSpec } from '../../src-core/common/export/chart';
import { dateToYear } from '../../src-core/common/export/figures';
import { shiftSeries } from '../../src-core/common/derived/displayReference';
import { modelTermLines, relativeTerms } from '../../src-core/common/timefunc/termLines';
import { download, fileSafe, svgToPng } from '../download';
import { PIN_COLORS, useInspectStore } from './inspect';
import { useRegionsStore } from './regions';
import { useDisplayRefStore } from './displayRef';
import { useProjectStore } from './project';
import { useUiStore } from './ui';
import { useGnssStore } from './gnss';
import { relativeToEpoch } from '../../src-core/common/derived/gnssLos';
import { displayUnits } from '../units';

/** What a polygon's shaded band shows. */
export type RegionBand = 'std' | 'iqr';
export const REGION_BANDS: Record<RegionBand, string> = { std: 'mean ± 1 std', iqr: 'median, 25–75 %' };

const nice = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

export const usePixelChartStore = defineStore('pixelChart', () => {
  /** the x range in view (calendar years), null = everything */
  const range = ref<[number, number] | null>(null);
  const regionBand = ref<RegionBand>('std');

  const inspect = () => useInspectStore();
  const dref = () => useDisplayRefStore();
  /** the series' display unit (src-core displayUnit: a time series in m is drawn in cm) */
  const disp = computed(() =>
    displayUnits(
      inspect().series?.unit ?? inspect().pinned[0]?.series.unit ?? useRegionsStore().list[0]?.series.unit ?? 'm',
      'timeseries',
    ),
  );
  const scaled = (a: ArrayLike<number>) => Array.from(a, (v) => v * disp.value.scale);

  function pixelSeries(s: PixelSeries, label: string, color: string, withModel: boolean): ChartSeries {
    const shown = dref().showSeries(s);
    const x = s.dates.map(dateToYear);
    const out: ChartSeries = { label, color, x, xText: s.dates, y: scaled(shown.values), style: 'points' };
    if (withModel && shown.model.length) {
      out.model = scaled(shown.model);
      if (Number.isFinite(s.residualStd)) out.modelBand = s.residualStd * disp.value.scale;
    }
    return out;
  }

  /** The notes under the chart's title: what the values are relative to, what the model and bands are. */
  const notes = computed(() => {
    const out: string[] = [];
    const px = inspect().series ?? inspect().pinned[0]?.series;
    const area = useRegionsStore().list[0]?.series;
    // an area's series is relative to the chosen date already; its file's own REF_DATE is the pixel's
    const runDate = px?.referenceDate ?? (area && !dref().refDate ? area.refDate : null);
    const d = dref();
    const date = d.refDate
      ? `relative to ${nice(d.refDate)}`
      : runDate
        ? `relative to ${nice(runDate)} (the run's reference date)`
        : '';
    const run = useProjectStore().info?.outputReference;
    const runPt = run ? `the run's reference point row ${run.row}, col ${run.col}` : "the run's reference point";
    const who = d.pixel ? `display reference pixel row ${d.pixel.row}, col ${d.pixel.col} (view only)` : runPt;
    out.push([date, who].filter(Boolean).join('; '));
    if (inspect().series?.model.length)
      out.push('line: velocity.h5 time-function model; dashed: ± RMS of its residuals');
    if (useRegionsStore().list.length)
      out.push(`areas: ${REGION_BANDS[regionBand.value]} of the pixels inside (maskTempCoh)`);
    const g = useGnssStore();
    if (g.inChart.length && g.result)
      out.push(
        `GNSS: ENU projected on the LOS at the station's pixel, relative to its epoch nearest ${nice(dref().refDate ?? g.result.refDate)}; not re-referenced to a point`,
      );
    return out;
  });

  const spec = computed<ChartSpec | null>(() => {
    const series: ChartSeries[] = [];
    const cur = inspect().series;
    const pinned = inspect().pinned;
    const curPinned = cur ? pinned.find((p) => p.row === cur.row && p.col === cur.col) : undefined;
    if (cur) series.push(pixelSeries(cur, `row ${cur.row}, col ${cur.col}`, curPinned?.color ?? PIN_COLORS[0], true));
    for (const p of pinned)
      if (p !== curPinned) series.push(pixelSeries(p.series, `row ${p.row}, col ${p.col}`, p.color, false));
    for (const r of useRegionsStore().list) {
      const s = r.series;
      const offs = dref().seriesOffsets(s.dates);
      const centre = regionBand.value === 'std' ? s.mean : s.median;
      const lo = regionBand.value === 'std' ? Array.from(s.mean, (m, i) => m - s.std[i]) : s.p25;
      const hi = regionBand.value === 'std' ? Array.from(s.mean, (m, i) => m + s.std[i]) : s.p75;
      series.push({
        label: `${r.label} (${s.inside - s.masked} px)`,
        color: r.color,
        x: s.dates.map(dateToYear),
        xText: s.dates,
        y: scaled(shiftSeries(centre, offs)),
        lower: scaled(shiftSeries(lo, offs)),
        upper: scaled(shiftSeries(hi, offs)),
        bandLabel: REGION_BANDS[regionBand.value],
        style: 'line',
        extra: [
          { name: 'pixels', values: s.count },
          { name: `std [${disp.value.label}]`, values: scaled(s.std) },
        ],
      });
    }
    // GNSS stations in the LOS (m → display unit), relative to the chosen reference date when there is one
    const gnss = useGnssStore();
    for (const st of gnss.stations) {
      if (!gnss.inChart.includes(st.site) || !st.los.length) continue;
      const rd = dref().refDate;
      const rel = rd ? relativeToEpoch(st.dates, st.los, rd) : { values: st.los, epoch: st.epoch };
      series.push({
        label: `GNSS ${st.site} (LOS)`,
        color: gnss.colorOf(st.site),
        x: st.dates.map(dateToYear),
        xText: st.dates,
        y: scaled(rel.values),
        style: 'line',
        extra: [{ name: `sigma [${disp.value.label}]`, values: scaled(st.sigma) }],
      });
    }
    if (!series.length) return null;
    return {
      title: 'LOS displacement time series',
      xAxis: 'date',
      xLabel: 'date',
      yLabel: `LOS displacement [${disp.value.label}]`,
      unit: disp.value.label,
      notes: notes.value,
      series,
      ...(range.value ? { xRange: range.value } : {}),
    };
  });

  /**
   * The inspected pixel's model terms as tsview prints them (velocity.h5's values, relative to the run's
   * reference point), and — with a display reference — the same terms relative to it (no std).
   */
  const terms = computed(() => {
    const s = inspect().series;
    if (!s?.terms.length) return null;
    const d = dref();
    const i = d.refDate ? s.dates.indexOf(d.refDate) : -1;
    const r = d.pixel && d.series?.terms.length ? d.series : null;
    const shift = i >= 0 ? s.values[i] - (r ? r.values[i] : 0) : 0;
    const relative = r || i >= 0 ? modelTermLines(relativeTerms(s.terms, r ? r.terms : null, shift)) : null;
    return { lines: modelTermLines(s.terms), relative };
  });

  function reset(): void {
    range.value = null;
  }

  function baseName(): string {
    return fileSafe(`timeseries_${useProjectStore().info?.name ?? 'project'}`);
  }

  /** What the chart shows, as a file: CSV, SVG (the core's figure) or PNG (that figure rasterised). */
  async function exportAs(kind: 'csv' | 'svg' | 'png'): Promise<void> {
    const sp = spec.value;
    if (!sp) return;
    const name = `${baseName()}.${kind}`;
    if (kind === 'csv') download(name, new Blob([chartCsv(sp)], { type: 'text/csv' }));
    else if (kind === 'svg') download(name, new Blob([chartSvg(sp)], { type: 'image/svg+xml' }));
    else {
      const png = await useUiStore().guarded(() => svgToPng(chartSvg(sp)), 'PNG export');
      if (png) download(name, png);
    }
    useUiStore().toast(`Exported ${name}`, 'info');
  }

  return { range, regionBand, spec, notes, terms, reset, exportAs };
});
