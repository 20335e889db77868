/**
 * The argument types of the API as valibot schemas: each gives the TypeScript type of the argument
 * (`v.InferOutput`) and its runtime check (run in main on every message, IPC and HTTP alike). Messages say
 * what was expected, so a refused call names the method, the argument and the reason. Pure.
 */
import * as v from 'valibot';

const noNul = (s: string) => !s.includes('\0');

/** A string of at most `maxLen` characters without NUL. */
export const str = (maxLen = 4096) =>
  v.pipe(
    v.string(`expected a string (≤ ${maxLen} chars)`),
    v.maxLength(maxLen, `expected a string (≤ ${maxLen} chars)`),
    v.check(noNul, 'expected a string without NUL characters'),
  );

/** A non-negative integer in [min, max]. */
export const int = (min = 0, max = 1e9) =>
  v.pipe(
    v.number(`expected an integer in [${min}, ${max}]`),
    v.integer(`expected an integer in [${min}, ${max}]`),
    v.minValue(min, `expected an integer in [${min}, ${max}]`),
    v.maxValue(max, `expected an integer in [${min}, ${max}]`),
  );

export const finite = () => v.pipe(v.number('expected a finite number'), v.finite('expected a finite number'));

export const lat = v.pipe(
  finite(),
  v.minValue(-90, 'latitude out of [-90, 90]'),
  v.maxValue(90, 'latitude out of [-90, 90]'),
);
export const lon = v.pipe(
  finite(),
  v.minValue(-360, 'longitude out of [-360, 360]'),
  v.maxValue(360, 'longitude out of [-360, 360]'),
);

/** [lat, lon] in degrees. */
export const latLon = v.strictTuple([lat, lon], 'expected [lat, lon]');

/** Pair indices (0-based), no duplicates. */
export const indexList = v.pipe(
  v.array(int(), 'expected an array of non-negative integers'),
  v.maxLength(100000, 'at most 100000 indices'),
  v.check((a) => new Set(a).size === a.length, 'duplicate indices'),
);

/** A date YYYYMMDD. */
export const date = v.pipe(v.string('expected a date YYYYMMDD'), v.regex(/^\d{8}$/, 'expected a date YYYYMMDD'));

/**
 * A layer: a dataset of a work-dir file, and for a stack the date (YYYYMMDD) or pair (YYYYMMDD_YYYYMMDD);
 * a time series may be shown relative to another date (`refDate`).
 */
export const layerRef = v.strictObject(
  { file: str(1024), dataset: str(256), date: v.optional(str(64)), refDate: v.optional(date) },
  'expected {file, dataset, date?, refDate?}',
);

/** The renderer's layer list, kept with the project: ≤ 64 entries in drawing order and the selected one. */
export const savedLayerList = v.strictObject(
  {
    layers: v.pipe(
      v.array(
        v.strictObject(
          {
            ref: layerRef,
            visible: v.boolean('expected visible: true or false'),
            opacity: v.pipe(
              finite(),
              v.minValue(0, 'expected an opacity in [0, 1]'),
              v.maxValue(1, 'expected an opacity in [0, 1]'),
            ),
            cmap: str(32),
            vmin: finite(),
            vmax: finite(),
            style: v.picklist(['fill', 'outline'], "expected style 'fill' or 'outline'"),
          },
          'expected {ref, visible, opacity, cmap, vmin, vmax, style}',
        ),
        'expected an array of layer entries',
      ),
      v.maxLength(64, 'at most 64 layers'),
    ),
    selected: int(0, 63),
  },
  'expected {layers, selected}',
);

/** A polygon: 3 to 10000 [lat, lon] vertices (closed implicitly). */
export const polygon = v.pipe(
  v.array(latLon, 'expected an array of [lat, lon] vertices'),
  v.minLength(3, 'a polygon needs at least 3 vertices'),
  v.maxLength(10000, 'at most 10000 vertices'),
);

/** Files or folders (absolute, or relative to the project folder). */
export const pathList = v.pipe(
  v.array(str(), 'expected a list of paths'),
  v.minLength(1, 'expected at least one path'),
  v.maxLength(256, 'at most 256 paths'),
);

/** Template keys set from the app: `mintpy.*` → one-line value, or null to remove the override. */
export const overrides = v.pipe(
  v.record(
    v.pipe(v.string(), v.regex(/^mintpy\.[\w.]+$/, 'is not a mintpy.* template key')),
    v.nullable(
      v.pipe(
        v.string('must be a one-line string or null'),
        v.maxLength(4096, 'must be a one-line string or null'),
        v.check((x) => !/[\r\n]/.test(x), 'must be a one-line string or null'),
      ),
    ),
    'expected an object of template keys',
  ),
);

/** Web Mercator tiles as [z, x, y] (XYZ scheme), at most 256 in one call. */
export const tileList = v.pipe(
  v.array(
    v.strictTuple([int(0, 24), int(0, 2 ** 24), int(0, 2 ** 24)], 'expected a tile [z, x, y]'),
    'expected an array of tiles [z, x, y]',
  ),
  v.maxLength(256, 'at most 256 tiles in one call'),
);
/** A step name (main checks it against the step descriptors). */
export const stepName = v.pipe(v.string('expected a step name'), v.regex(/^\w{1,64}$/, 'expected a step name'));

/** A swath width in km (> 0, ≤ 1000). */
export const widthKm = v.pipe(
  finite(),
  v.gtValue(0, 'expected a width in km > 0'),
  v.maxValue(1000, 'expected a width in km ≤ 1000'),
);

export const transectOptions = v.strictObject({ widthKm: v.optional(widthKm) }, 'expected {widthKm?}');

export const csvExport = v.variant(
  'kind',
  [
    v.strictObject({ kind: v.literal('layer'), ref: layerRef }),
    // refDate: the series relative to that date, as the viewer shows it (each value minus the pixel's own then)
    v.strictObject({ kind: v.literal('pixel'), row: int(), col: int(), refDate: v.optional(date) }),
    v.strictObject({
      kind: v.literal('transect'),
      ref: layerRef,
      start: latLon,
      end: latLon,
      widthKm: v.optional(widthKm),
    }),
  ],
  'kind must be layer, pixel or transect',
);

export const figureExport = v.variant(
  'kind',
  [
    v.strictObject({ kind: v.literal('network') }),
    v.strictObject({ kind: v.literal('coherence-matrix') }),
    v.strictObject({ kind: v.literal('map'), ref: layerRef }),
    v.strictObject({ kind: v.literal('timeseries'), row: int(), col: int(), refDate: v.optional(date) }),
    v.strictObject({
      kind: v.literal('transect'),
      ref: layerRef,
      start: latLon,
      end: latLon,
      widthKm: v.optional(widthKm),
    }),
  ],
  'kind must be network, coherence-matrix, map, timeseries or transect',
);

/**
 * An optional trailing argument: absent, `undefined` or `null` (JSON has no undefined) all arrive at the
 * service as `undefined`.
 */
export const opt = <S extends v.GenericSchema>(schema: S) =>
  v.pipe(
    v.nullish(schema),
    v.transform((x): v.InferOutput<S> | undefined => (x === null ? undefined : (x as v.InferOutput<S>))),
  );

/** A view on the stack's grid: full-resolution rows/cols, end-exclusive (clipped to the grid by the callee). */
export const pixelWindow = v.strictObject(
  { row0: finite(), row1: finite(), col0: finite(), col1: finite() },
  'expected {row0, row1, col0, col1}',
);

/** The NISAR validation the panel runs (the CLI's `nisar method1|method2` options the app offers). */
export const nisarOptions = v.strictObject(
  {
    method: v.picklist(['method1', 'method2'], 'method must be method1 or method2'),
    site: v.optional(str(64)),
    binning: v.optional(v.picklist(['linear', 'log'], 'binning must be linear or log')),
    gnssPaths: v.optional(pathList),
    refStation: v.optional(str(16)),
    excludeStations: v.optional(v.array(str(16))),
    stablePolygon: v.optional(str(100_000)),
    numSamples: v.optional(
      v.pipe(finite(), v.integer('expected a whole number'), v.minValue(10), v.maxValue(10_000_000)),
    ),
    seed: v.optional(v.pipe(finite(), v.integer('expected a whole number'))),
  },
  'expected {method, site?, binning?, gnssPaths?, refStation?, excludeStations?, stablePolygon?, numSamples?, seed?}',
);
