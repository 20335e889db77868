/**
 * Write a stack in the layout `ariaTSsetup.py -of ENVI` leaves behind (stack/*.vrt → per-pair VRT →
 * ENVI raw file, DEM/, incidenceAngle/, azimuthAngle/, mask/), from arrays in memory. Used by the tests
 * to build small stacks, and to hand demo data to anything that expects ARIA input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AriaPairSpec {
  /** [earlier, later] YYYYMMDD; written as Dates = "later_earlier" */
  dates: [string, string];
  /** ARIA sign (date2_date1), radians, length × width */
  unwrappedPhase: Float32Array;
  coherence: Float32Array;
  connectedComponents: Int16Array;
  /** ARIA sign perpendicular baseline [m] */
  perpendicularBaseline: number;
}

export interface AriaStackSpec {
  width: number;
  length: number;
  /** GDAL geotransform origin (upper-left corner) and pixel size in degrees */
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  pairs: AriaPairSpec[];
  dem: Float32Array;
  incidenceAngle: Float32Array;
  /** ARIA convention: from east, counter-clockwise */
  azimuthAngle?: Float32Array;
  /** 1 = land */
  waterMask?: Uint8Array;
  wavelength?: string;
  utcTime?: string;
  startRange?: string;
  slantRangeSpacing?: string;
  orbitDirection?: string;
}

const SRS =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

const ENVI_CODE: Record<string, number> = { Float32: 4, Int16: 2, Byte: 1 };

function writeEnvi(
  path: string,
  hdrPath: string,
  data: Float32Array | Int16Array | Uint8Array,
  type: 'Float32' | 'Int16' | 'Byte',
  s: AriaStackSpec,
  nodata: number | null,
): void {
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const lines = [
    'ENVI',
    `description = {\n${path}}`,
    `samples = ${s.width}`,
    `lines   = ${s.length}`,
    'bands   = 1',
    'header offset = 0',
    'file type = ENVI Standard',
    `data type = ${ENVI_CODE[type]}`,
    'interleave = bsq',
    'byte order = 0',
    `map info = {Geographic Lat/Lon, 1, 1, ${s.x0}, ${s.y0}, ${s.dx}, ${s.dy},WGS-84}`,
    'band names = {\nBand 1}',
  ];
  if (nodata !== null) lines.push(`data ignore value = ${nodata}`);
  writeFileSync(hdrPath, lines.join('\n') + '\n');
}

function gt(s: AriaStackSpec): string {
  return `${s.x0},${s.dx},0.0,${s.y0},0.0,${-s.dy}`;
}

function rasterVrt(s: AriaStackSpec, source: string, type: string, nodata: number | null): string {
  const nd = nodata === null ? '' : `    <NoDataValue>${nodata}</NoDataValue>\n`;
  const kind = nodata === null ? 'SimpleSource' : 'ComplexSource';
  const ndSrc = nodata === null ? '' : `      <NODATA>${nodata}</NODATA>\n`;
  return `<VRTDataset rasterXSize="${s.width}" rasterYSize="${s.length}">
  <SRS dataAxisToSRSAxisMapping="2,1">${SRS}</SRS>
  <GeoTransform>${gt(s)}</GeoTransform>
  <VRTRasterBand dataType="${type}" band="1">
${nd}    <${kind}>
      <SourceFilename relativeToVRT="1">${source}</SourceFilename>
      <SourceBand>1</SourceBand>
      <SourceProperties RasterXSize="${s.width}" RasterYSize="${s.length}" DataType="${type}" />
      <SrcRect xOff="0" yOff="0" xSize="${s.width}" ySize="${s.length}" />
      <DstRect xOff="0" yOff="0" xSize="${s.width}" ySize="${s.length}" />
${ndSrc}    </${kind}>
  </VRTRasterBand>
</VRTDataset>
`;
}

/** Write the stack under `folder` (created); returns the paths of the three stack VRTs. */
export function writeAriaStack(folder: string, s: AriaStackSpec): { unw: string; coh: string; connComp: string } {
  const layers = [
    {
      dir: 'unwrappedPhase',
      stack: 'unwrapStack.vrt',
      type: 'Float32',
      nodata: 0,
      get: (p: AriaPairSpec) => p.unwrappedPhase,
    },
    { dir: 'coherence', stack: 'cohStack.vrt', type: 'Float32', nodata: 0, get: (p: AriaPairSpec) => p.coherence },
    {
      dir: 'connectedComponents',
      stack: 'connCompStack.vrt',
      type: 'Int16',
      nodata: -1,
      get: (p: AriaPairSpec) => p.connectedComponents,
    },
  ] as const;
  mkdirSync(join(folder, 'stack'), { recursive: true });
  const out: Record<string, string> = {};
  for (const l of layers) {
    mkdirSync(join(folder, l.dir), { recursive: true });
    let bands = '';
    s.pairs.forEach((p, i) => {
      const name = `${p.dates[1]}_${p.dates[0]}`;
      writeEnvi(join(folder, l.dir, name), join(folder, l.dir, `${name}.hdr`), l.get(p), l.type, s, l.nodata);
      writeFileSync(join(folder, l.dir, `${name}.vrt`), rasterVrt(s, name, l.type, l.nodata));
      bands += `  <VRTRasterBand dataType="${l.type}" band="${i + 1}">
    <NoDataValue>${l.nodata}</NoDataValue>
    <SimpleSource>
      <SourceFilename relativeToVRT="1">../${l.dir}/${name}.vrt</SourceFilename>
      <SourceBand>1</SourceBand>
      <SourceProperties RasterXSize="${s.width}" RasterYSize="${s.length}" DataType="${l.type}"/>
      <SrcRect xOff="0" yOff="0" xSize="${s.width}" ySize="${s.length}"/>
      <DstRect xOff="0" yOff="0" xSize="${s.width}" ySize="${s.length}"/>
    </SimpleSource>
    <Metadata domain='${l.dir}'>
      <MDI key="Dates">${name}</MDI>
      <MDI key="Wavelength (m)">${s.wavelength ?? '0.05546576'}</MDI>
      <MDI key="UTCTime (HH:MM:SS.ss)">${s.utcTime ?? '13:52:36.00'}</MDI>
      <MDI key="startRange">${s.startRange ?? '799000.0'}</MDI>
      <MDI key="endRange">950000.0</MDI>
      <MDI key="slantRangeSpacing">${s.slantRangeSpacing ?? '2.329562'}</MDI>
      <MDI key="orbitDirection">${s.orbitDirection ?? 'ASCENDING'}</MDI>
      <MDI key="perpendicularBaseline">${p.perpendicularBaseline}</MDI>
    </Metadata>
  </VRTRasterBand>
`;
    });
    const path = join(folder, 'stack', l.stack);
    writeFileSync(
      path,
      `<VRTDataset rasterXSize="${s.width}" rasterYSize="${s.length}">\n  <SRS>${SRS}</SRS>\n  <GeoTransform>${gt(s)}</GeoTransform>\n${bands}</VRTDataset>\n`,
    );
    out[l.dir] = path;
  }
  const first = s.pairs[0] ? `${s.pairs[0].dates[1]}_${s.pairs[0].dates[0]}` : 'geometry';
  mkdirSync(join(folder, 'DEM'), { recursive: true });
  writeEnvi(
    join(folder, 'DEM', 'SRTM_3arcsec.dem'),
    join(folder, 'DEM', 'SRTM_3arcsec.hdr'),
    s.dem,
    'Float32',
    s,
    -32768,
  );
  const angles: [string, Float32Array | undefined][] = [
    ['incidenceAngle', s.incidenceAngle],
    ['azimuthAngle', s.azimuthAngle],
  ];
  for (const [dir, data] of angles) {
    if (!data) continue;
    mkdirSync(join(folder, dir), { recursive: true });
    writeEnvi(join(folder, dir, first), join(folder, dir, `${first}.hdr`), data, 'Float32', s, 0);
    writeFileSync(join(folder, dir, `${first}.vrt`), rasterVrt(s, first, 'Float32', 0));
  }
  if (s.waterMask) {
    mkdirSync(join(folder, 'mask'), { recursive: true });
    writeEnvi(
      join(folder, 'mask', 'watermask.msk'),
      join(folder, 'mask', 'watermask.hdr'),
      s.waterMask,
      'Byte',
      s,
      null,
    );
  }
  return { unw: out.unwrappedPhase, coh: out.coherence, connComp: out.connectedComponents };
}

/**
 * A small deterministic ARIA stack (6 × 5 px, 4 dates, 5 pairs in unsorted band order) with no-data in
 * every layer: phase 0 at (0,0), conncomp −1 at (2,3), DEM −32768 at (4,5), incidence 0 at (1,1), water
 * on row 4. For tests and smoke checks.
 */
export function tinyAriaSpec(): AriaStackSpec {
  const width = 6;
  const length = 5;
  const n = width * length;
  const d = ['20200101', '20200113', '20200125', '20200206'];
  const idx: [number, number][] = [
    [1, 2],
    [0, 1],
    [2, 3],
    [0, 2],
    [1, 3],
  ];
  const pairs: AriaPairSpec[] = idx.map(([a, b], k) => {
    const unwrappedPhase = Float32Array.from(
      { length: n },
      (_, i) => (k + 1) * 0.1 * (Math.floor(i / width) + 1) + (i % width) * 0.01,
    );
    unwrappedPhase[0] = 0;
    const coherence = Float32Array.from({ length: n }, (_, i) => 0.3 + 0.02 * i + 0.01 * k);
    const connectedComponents = new Int16Array(n).fill(1);
    connectedComponents[2 * width + 3] = -1;
    connectedComponents[3 * width + 1] = k === 0 ? 2 : 1;
    return {
      dates: [d[a], d[b]],
      unwrappedPhase,
      coherence,
      connectedComponents,
      perpendicularBaseline: 10.5 * (k + 1) - 20,
    };
  });
  const dem = Float32Array.from({ length: n }, (_, i) => 100 + i);
  dem[4 * width + 5] = -32768;
  const incidenceAngle = Float32Array.from({ length: n }, (_, i) => 30 + 0.1 * (i % width));
  incidenceAngle[1 * width + 1] = 0;
  const azimuthAngle = Float32Array.from({ length: n }, (_, i) => -100 + 0.5 * i);
  const waterMask = Uint8Array.from({ length: n }, (_, i) => (Math.floor(i / width) === 4 ? 0 : 1));
  return {
    width,
    length,
    x0: -119.8,
    y0: 36.25,
    dx: 0.0025,
    dy: 0.0025,
    pairs,
    dem,
    incidenceAngle,
    azimuthAngle,
    waterMask,
  };
}
