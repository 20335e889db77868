/**
 * The validation report: one self-contained HTML file (inline SVG figures, the requirement table with the
 * bold Total row, the three verdicts with the notebook's one labelled, the station table for Method 1,
 * notes), plus the table as JSON and CSV. All written atomically (temp + rename).
 */
import { xmlEscape as esc, writeFileAtomic } from '../export/atomic';
import type { RequirementTable } from '../../common/nisar/requirement';
import { histogramsSvg, semivariogramSvg, stationSeriesSvg, validationFigureSvg, velocityMapSvg } from './figures';
import type { ValidationResult } from './validate';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'none');
const km = (x: number) => (Math.abs(x) < 10 ? x.toFixed(2) : x.toFixed(1));
const num = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d));

/** the notebook's columns: distance bin | total_count | passed_req | passed_pc | passed_req [>68.3%] */
export function tableRows(
  t: RequirementTable,
): { bin: string; total: number; passed: number; fraction: number; pass: boolean; quantile: number }[] {
  const rows = t.rows.map((r) => ({
    bin: `(${km(r.lo)}, ${km(r.hi)}]`,
    total: r.total,
    passed: r.passed,
    fraction: r.fraction,
    pass: r.pass,
    quantile: r.quantile,
  }));
  rows.push({
    bin: 'Total',
    total: t.total.total,
    passed: t.total.passed,
    fraction: t.total.fraction,
    pass: t.total.pass,
    quantile: t.total.quantile,
  });
  return rows;
}

export function tableCsv(t: RequirementTable): string {
  const thr = (100 * t.threshold).toFixed(1);
  const lines = [
    `distance_bin_km,bin_lo_km,bin_hi_km,total_count,passed_req,passed_pc,passed_req [>${thr}%],quantile_${thr}_mm_yr`,
  ];
  const all = [...t.rows, t.total];
  tableRows(t).forEach((r, k) => {
    const b = all[k];
    lines.push(
      [
        `"${r.bin}"`,
        b.lo,
        b.hi,
        r.total,
        r.passed,
        Number.isFinite(r.fraction) ? r.fraction : '',
        r.pass ? 'True' : 'False',
        Number.isFinite(r.quantile) ? r.quantile : '',
      ].join(','),
    );
  });
  return `${lines.join('\n')}\n`;
}

/** the JSON summary (no per-pair arrays) */
export function resultJson(r: ValidationResult): Record<string, unknown> {
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    method: r.method,
    site: r.site,
    sensor: r.sensor,
    record: { start: r.startDate, end: r.endDate },
    velocityFile: r.velocityFile,
    maskFile: r.maskFile,
    velocitySource: r.field.source,
    requirement: {
      mmPerYear: r.table.requirement,
      threshold: r.table.threshold,
      binning: r.table.binning,
      emptyBins: r.table.emptyBins,
    },
    verdicts: {
      notebook: 'pooled',
      pooled: { ...r.table.verdicts.pooled, value: fin(r.table.verdicts.pooled.value) },
      allBins: r.table.verdicts.allBins,
      meanOfBins: { ...r.table.verdicts.meanOfBins, value: fin(r.table.verdicts.meanOfBins.value) },
    },
    table: [...r.table.rows, r.table.total].map((b, k) => ({
      bin: k < r.table.rows.length ? [b.lo, b.hi] : 'Total',
      total_count: b.total,
      passed_req: b.passed,
      passed_pc: fin(b.fraction),
      pass: b.pass,
      quantile: fin(b.quantile),
    })),
    pairs: {
      ...r.pairsSummary,
      minKm: fin(r.pairsSummary.minKm),
      maxKm: fin(r.pairsSummary.maxKm),
      medianAbs: fin(r.pairsSummary.medianAbs),
      droppedNaN: r.table.pairsNaN,
      droppedOutsideBins: r.table.pairsOutside,
    },
    refStation: r.refStation,
    stations: r.stations?.map((s) => ({
      site: s.site,
      lat: s.lat,
      lon: s.lon,
      row: s.row,
      col: s.col,
      incidence: fin(s.incidence),
      azimuth: fin(s.azimuth),
      source: s.source,
      status: s.status,
      reason: s.reason ?? null,
      completeness: s.completeness ?? null,
      scatterMm: s.scatterMm !== undefined ? fin(s.scatterMm) : null,
      outliers: s.outliers ?? null,
      gnssLos: fin(s.gnssLos),
      gnssLosStd: fin(s.gnssLosStd),
      insarPixel: fin(s.insarPixel),
      insarWindow: fin(s.insarWindow),
      gnss: s.gnss ?? null,
      insar: s.insar ?? null,
    })),
    sampling: r.sampling,
    variogram: r.variogram
      ? {
          sill: fin(r.variogram.fit.sill),
          range: fin(r.variogram.fit.range),
          rms: fin(r.variogram.fit.rms),
          points: r.variogram.points,
          lag: Array.from(r.variogram.lag, fin),
          gamma: Array.from(r.variogram.gamma, fin),
          count: Array.from(r.variogram.count),
        }
      : null,
    notes: r.notes,
  };
}

function tableHtml(t: RequirementTable): string {
  const thr = (100 * t.threshold).toFixed(1);
  let s = `<table><thead><tr><th>distance bin [km]</th><th>total_count [#]</th><th>passed_req. [#]</th><th>passed_pc</th><th>passed_req [&gt;${thr}%]</th><th>${thr}% quantile [mm/yr]</th></tr></thead><tbody>\n`;
  for (const r of tableRows(t)) {
    const total = r.bin === 'Total';
    const bar = Number.isFinite(r.fraction)
      ? `<span class="bar" style="width:${(100 * r.fraction).toFixed(0)}%"></span>`
      : '';
    s += `<tr${total ? ' class="total"' : ''}><td>${esc(r.bin)}</td><td>${r.total}</td><td>${r.passed}</td><td class="pc">${bar}<span>${pct(r.fraction)}</span></td><td class="${r.pass ? 'ok' : 'bad'}">${r.pass ? 'True' : 'False'}</td><td>${num(r.quantile)}</td></tr>\n`;
  }
  return `${s}</tbody></table>\n`;
}

export function reportHtml(r: ValidationResult): string {
  const t = r.table;
  const v = t.verdicts;
  const gnss = r.method === 'method1';
  const title = `NISAR secular requirement — ${gnss ? 'Method 1 (InSAR vs GNSS)' : 'Method 2 (noise over a stable area)'}${r.site ? ` — ${r.site}` : ''}`;
  const fig = validationFigureSvg(t, r.pairs.distanceKm, Float64Array.from(r.pairs.value, Math.abs), {
    site: r.site,
    sensor: r.sensor,
    startDate: r.startDate,
    endDate: r.endDate,
    validationData: gnss ? 'GNSS' : 'InSAR',
  });
  const verdict = (x: { pass: boolean; label: string }, notebook = false) =>
    `<li class="${x.pass ? 'ok' : 'bad'}"><b>${x.pass ? 'PASSED' : 'FAILED'}</b> — ${esc(x.label)}${notebook ? ' <b>[the notebook’s verdict]</b>' : ''}</li>`;
  let body = `<h1>${esc(title)}</h1>\n`;
  body += `<p>Requirement: relative LOS velocity accuracy &lt; ${t.requirement} mm/yr over ${km(t.edges[0])}–${km(t.edges[t.edges.length - 1])} km (${
    t.binning.kind === 'linear'
      ? `${t.rows.length} linear bins`
      : `${t.rows.length} log bins (HEAD display variant; pairs under ${km(t.edges[0])} km dropped)`
  }); a bin passes when more than ${(100 * t.threshold).toFixed(1)}% of its pairs are below the requirement. Record ${esc(r.startDate)}–${esc(r.endDate)}, sensor ${esc(r.sensor)}. Velocity: ${esc(r.velocityFile)}${r.maskFile ? `, mask ${esc(r.maskFile)}` : ''}.</p>\n`;
  body += `<div class="verdict ${v.pooled.pass ? 'ok' : 'bad'}">${v.pooled.pass ? 'PASSED' : 'FAILED'}</div>\n<ul class="verdicts">${verdict(v.pooled, true)}${verdict(v.allBins)}${verdict(v.meanOfBins)}</ul>\n`;
  body += `<h2>Validation figure</h2>\n${fig}`;
  body += `<h2>Validation table</h2>\n${tableHtml(t)}`;
  body += `<p class="small">${r.pairsSummary.count} pairs (${num(r.pairsSummary.minKm)}–${num(r.pairsSummary.maxKm)} km, median |residual| ${num(r.pairsSummary.medianAbs)} mm/yr); ${t.pairsNaN} NaN and ${t.pairsOutside} outside the bins dropped.</p>\n`;
  body += `<h2>${gnss ? 'Velocity with GNSS stations' : 'Velocity'}</h2>\n`;
  body += velocityMapSvg(r.field.data, r.field.grid, {
    title: gnss
      ? 'LOS velocity (mm/yr): accepted stations (dots), rejected (X), reference (square)'
      : 'LOS velocity (mm/yr), masked',
    stations: r.stations,
    refStation: r.refStation,
    polygon: r.stablePolygon,
  });
  if (gnss && r.stations) {
    const reref = Float32Array.from(
      r.field.data,
      (x) => x - (r.stations!.find((s) => s.site === r.refStation)?.insarPixel ?? 0),
    );
    body += velocityMapSvg(reref, r.field.grid, {
      title: `Re-referenced to ${r.refStation ?? '—'}: InSAR with GNSS LOS velocities (circles)`,
      stations: r.stations.filter((s) => s.status === 'used'),
      refStation: r.refStation,
      showGnssColours: true,
    });
    body += `<h2>Stations</h2>\n<table><thead><tr><th>site</th><th>lat</th><th>lon</th><th>source</th><th>status</th><th>inc [°]</th><th>az [°]</th><th>completeness</th><th>scatter [mm]</th><th>outliers</th><th>GNSS LOS [mm/yr]</th><th>σ</th><th>InSAR px</th><th>InSAR 11×11 median</th><th>GNSS − ref</th><th>InSAR − ref</th></tr></thead><tbody>\n`;
    for (const s of r.stations)
      body += `<tr class="${s.status === 'used' ? '' : 'rej'}"><td>${esc(s.site)}${s.site === r.refStation ? ' (ref)' : ''}</td><td>${s.lat.toFixed(5)}</td><td>${s.lon.toFixed(5)}</td><td>${s.source}</td><td>${s.status}${s.reason ? `: ${esc(s.reason)}` : ''}</td><td>${num(s.incidence, 1)}</td><td>${num(s.azimuth, 1)}</td><td>${s.completeness !== undefined ? pct(s.completeness) : ''}</td><td>${num(s.scatterMm)}</td><td>${s.outliers ?? ''}</td><td>${num(s.gnssLos)}</td><td>${num(s.gnssLosStd)}</td><td>${num(s.insarPixel)}</td><td>${num(s.insarWindow)}</td><td>${num(s.gnss)}</td><td>${num(s.insar)}</td></tr>\n`;
    body += `</tbody></table>\n`;
    body += stationSeriesSvg(r.stations);
    const used = r.stations.filter((s) => s.status === 'used');
    if (used.length) {
      body += `<h2>Appendix: distributions</h2>\n`;
      body += histogramsSvg([
        {
          title: 'Station LOS velocities (re-referenced)',
          unit: 'mm/yr',
          sets: [
            { label: 'GNSS', values: used.map((s) => s.gnss ?? NaN), colour: '#1f77b4' },
            { label: 'InSAR', values: used.map((s) => s.insar ?? NaN), colour: '#d62728' },
          ],
        },
        {
          title: 'Station residuals GNSS − InSAR',
          unit: 'mm/yr',
          sets: [{ label: 'residual', values: used.map((s) => (s.gnss ?? NaN) - (s.insar ?? NaN)), colour: '#555555' }],
        },
        {
          title: 'Double differences',
          unit: 'mm/yr',
          sets: [{ label: 'dd', values: r.pairs.value, colour: '#2ca02c' }],
        },
      ]);
    }
  }
  if (r.variogram) body += `<h2>Structure function</h2>\n${semivariogramSvg(r.variogram, r.variogram.fit, t)}`;
  if (r.sampling)
    body += `<p class="small">Sampling (${r.sampling.mode}): ${r.sampling.drawn} of ${r.sampling.available} valid pixels drawn without replacement (seed ${r.sampling.seed}), ${r.pairs.value.length} ${
      r.sampling.mode === 'points' ? 'disjoint consecutive pairs' : 'profiles'
    }; plane ${
      r.sampling.plane
        ? `a=${r.sampling.plane[0].toExponential(3)}, b=${r.sampling.plane[1].toExponential(3)} mm/yr/km removed`
        : 'not removed'
    }${r.sampling.stablePixels !== null ? `; stable area ${r.sampling.stablePixels} pixels` : ''}.</p>\n`;
  if (r.notes.length) body += `<h2>Notes</h2>\n<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>\n`;
  const css = `body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;max-width:1000px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}
td:first-child{text-align:left}tr.total td{font-weight:bold;font-size:14px;border-top:3px solid black}td.ok{background:#e6ffe6}td.bad{background:#ffe6e6}
td.pc{position:relative;min-width:70px}td.pc .bar{position:absolute;left:0;top:2px;bottom:2px;background:#ccc;z-index:0}td.pc span:last-child{position:relative}
.verdict{display:inline-block;font-size:22px;font-weight:bold;color:white;padding:6px 18px;border:1px solid black}.verdict.ok{background:#239d23}.verdict.bad{background:#bc2e2e}
ul.verdicts li.ok b:first-child{color:#227522}ul.verdicts li.bad b:first-child{color:#7c1b1b}tr.rej td{color:#888}.small{font-size:12px;color:#555}svg{display:block;margin:8px 0}`;
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${css}</style></head><body>\n${body}</body></html>\n`;
}

export interface ReportPaths {
  html: string;
  json: string;
  csv: string;
}

/** Write report.html, report.json and report.csv (same stem) atomically; returns the paths. */
export function writeValidationReport(r: ValidationResult, htmlPath: string): ReportPaths {
  const stem = htmlPath.replace(/\.html?$/i, '');
  const paths = { html: htmlPath, json: `${stem}.json`, csv: `${stem}.csv` };
  writeFileAtomic(paths.csv, tableCsv(r.table));
  writeFileAtomic(paths.json, `${JSON.stringify(resultJson(r), null, 2)}\n`);
  writeFileAtomic(paths.html, reportHtml(r));
  return paths;
}
