/**
 * Text files of the ARIA-tools `ariaTSsetup.py -of ENVI` layout, byte-for-byte in the form of the cv-tiny
 * fixture: ENVI headers, GDAL VRTs (per file, written by GDAL) and PAM .aux.xml files, the stack VRTs
 * (written by ARIA-tools' Python), and the MintPy template.
 */
import { ARIA_LOAD_KEYS } from '../formats/ariaKeys';

export type RasterType = 'Float32' | 'Int16' | 'Byte';

export const ENVI_TYPE: Record<RasterType, number> = { Float32: 4, Int16: 2, Byte: 1 };
export const BYTES: Record<RasterType, number> = { Float32: 4, Int16: 2, Byte: 1 };

export interface GridGeo {
  rows: number;
  cols: number;
  /** north-west corner (edge), degrees */
  lat0: number;
  lon0: number;
  pixelSize: number;
}

const SRS_WKT =
  'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],' +
  'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,' +
  'AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]';

const ENVI_CS =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

/** Pad a JS exponent to C's at-least-two digits: e+2 → e+02. */
function cExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** C printf "%.16e". */
function e16(x: number): string {
  return cExp(x.toExponential(16));
}

/** C printf "%.14E". */
export function upperE14(x: number): string {
  return cExp(x.toExponential(14)).toUpperCase();
}

/** C printf "%.15g" (trailing zeros removed). */
export function g15(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 15) {
    const [m, e] = x.toExponential(14).split('e');
    const mm = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    return cExp(`${mm}e${e}`);
  }
  const s = x.toPrecision(15);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Python 3 repr() of a float. */
export function pyRepr(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp) < 10 ? `${exp < 0 ? '-' : '+'}0${Math.abs(exp)}` : `${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
    return `${mant}e${e}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let s: string;
  if (exp >= 0) {
    s =
      digits.length > exp + 1
        ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
        : `${digits.padEnd(exp + 1, '0')}.0`;
  } else {
    s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return (neg ? '-' : '') + s;
}

function geoTransformGdal(g: GridGeo): string {
  return [g.lon0, g.pixelSize, 0, g.lat0, 0, -g.pixelSize].map((v) => e16(v).padStart(24)).join(',');
}

function geoTransformPy(g: GridGeo): string {
  return [g.lon0, g.pixelSize, 0, g.lat0, 0, -g.pixelSize].map(pyRepr).join(',');
}

/** ENVI header as GDAL's ENVI driver writes it. `ignore` = data ignore value (omitted if null). */
export function enviHeader(description: string, g: GridGeo, type: RasterType, ignore: string | null): string {
  const lines = [
    'ENVI',
    'description = {',
    `${description}}`,
    `samples = ${g.cols}`,
    `lines   = ${g.rows}`,
    'bands   = 1',
    'header offset = 0',
    'file type = ENVI Standard',
    `data type = ${ENVI_TYPE[type]}`,
    'interleave = bsq',
    'byte order = 0',
    `map info = {Geographic Lat/Lon, 1, 1, ${g15(g.lon0)}, ${g15(g.lat0)}, ${g15(g.pixelSize)}, ${g15(g.pixelSize)},WGS-84}`,
    `coordinate system string = {${ENVI_CS}}`,
    'band names = {',
    'Band 1}',
  ];
  if (ignore !== null) lines.push(`data ignore value = ${ignore}`);
  return lines.join('\n') + '\n';
}

/**
 * The single-file VRT GDAL writes next to an ENVI raster. With a nodata value it uses a ComplexSource
 * with <NODATA>; without (the water mask) a SimpleSource.
 */
export function fileVrt(sourceName: string, g: GridGeo, type: RasterType, nodata: string | null): string {
  const props = `<SourceProperties RasterXSize="${g.cols}" RasterYSize="${g.rows}" DataType="${type}" BlockXSize="${g.cols}" BlockYSize="1" />`;
  const rect = `xOff="0" yOff="0" xSize="${g.cols}" ySize="${g.rows}" />`;
  const src = nodata === null ? 'SimpleSource' : 'ComplexSource';
  const lines = [
    `<VRTDataset rasterXSize="${g.cols}" rasterYSize="${g.rows}">`,
    `  <SRS dataAxisToSRSAxisMapping="2,1">${SRS_WKT}</SRS>`,
    `  <GeoTransform>${geoTransformGdal(g)}</GeoTransform>`,
    `  <VRTRasterBand dataType="${type}" band="1">`,
    ...(nodata === null ? [] : [`    <NoDataValue>${nodata}</NoDataValue>`]),
    `    <${src}>`,
    `      <SourceFilename relativeToVRT="1">${sourceName}</SourceFilename>`,
    '      <SourceBand>1</SourceBand>',
    `      ${props}`,
    `      <SrcRect ${rect}`,
    `      <DstRect ${rect}`,
    ...(nodata === null ? [] : [`      <NODATA>${nodata}</NODATA>`]),
    `    </${src}>`,
    '  </VRTRasterBand>',
    '</VRTDataset>',
  ];
  return lines.join('\n') + '\n';
}

/** GDAL's PAM sidecar (.aux.xml) of an ENVI raster with a nodata value. */
export function auxXml(g: GridGeo, type: RasterType, nodata: number): string {
  return (
    [
      '<PAMDataset>',
      '  <Metadata domain="IMAGE_STRUCTURE">',
      '    <MDI key="INTERLEAVE">BAND</MDI>',
      '  </Metadata>',
      '  <Metadata domain="ENVI">',
      '    <MDI key="bands">1</MDI>',
      '    <MDI key="byte_order">0</MDI>',
      `    <MDI key="data_type">${ENVI_TYPE[type]}</MDI>`,
      '    <MDI key="file_type">ENVI Standard</MDI>',
      '    <MDI key="header_offset">0</MDI>',
      '    <MDI key="interleave">bsq</MDI>',
      `    <MDI key="lines">${g.rows}</MDI>`,
      `    <MDI key="samples">${g.cols}</MDI>`,
      '  </Metadata>',
      '  <PAMRasterBand band="1">',
      `    <NoDataValue>${upperE14(nodata)}</NoDataValue>`,
      '  </PAMRasterBand>',
      '</PAMDataset>',
    ].join('\n') + '\n'
  );
}

export interface StackBand {
  /** pair name `<later>_<earlier>` */
  name: string;
  bperp: number;
}

export interface StackMeta {
  wavelength: number;
  utcTime: string;
  startRange: string;
  endRange: string;
  slantRangeSpacing: string;
  orbitDirection: string;
}

/** ARIA-tools' stack VRT (`stack/unwrapStack.vrt` etc.): one band per pair, metadata domain = layer. */
export function stackVrt(
  layer: 'unwrappedPhase' | 'coherence' | 'connectedComponents',
  bands: readonly StackBand[],
  g: GridGeo,
  type: RasterType,
  nodata: string,
  meta: StackMeta,
): string {
  const out: string[] = [
    `<VRTDataset rasterXSize="${g.cols}" rasterYSize="${g.rows}">`,
    `  <SRS>${SRS_WKT}</SRS>`,
    `  <GeoTransform>${geoTransformPy(g)}</GeoTransform>`,
  ];
  const rect = `xOff="0" yOff="0" xSize="${g.cols}" ySize="${g.rows}"/>`;
  bands.forEach((b, k) => {
    out.push(
      `  <VRTRasterBand dataType="${type}" band="${k + 1}">`,
      `    <NoDataValue>${nodata}</NoDataValue>`,
      '    <SimpleSource>',
      `      <SourceFilename relativeToVRT="1">../${layer}/${b.name}.vrt</SourceFilename>`,
      '      <SourceBand>1</SourceBand>',
      `      <SourceProperties RasterXSize="${g.cols}" RasterYSize="${g.rows}" DataType="${type}"/>`,
      `      <SrcRect ${rect}`,
      `      <DstRect ${rect}`,
      '    </SimpleSource>',
      `    <Metadata domain='${layer}'>`,
      `      <MDI key="Dates">${b.name}</MDI>`,
      `      <MDI key="Wavelength (m)">${pyRepr(meta.wavelength)}</MDI>`,
      `      <MDI key="UTCTime (HH:MM:SS.ss)">${meta.utcTime}</MDI>`,
      `      <MDI key="startRange">${meta.startRange}</MDI>`,
      `      <MDI key="endRange">${meta.endRange}</MDI>`,
      `      <MDI key="slantRangeSpacing">${meta.slantRangeSpacing}</MDI>`,
      `      <MDI key="orbitDirection">${meta.orbitDirection}</MDI>`,
      `      <MDI key="perpendicularBaseline">${b.bperp.toFixed(4)}</MDI>`,
      '    </Metadata>',
      '  </VRTRasterBand>',
    );
  });
  out.push('</VRTDataset>');
  return out.join('\n') + '\n';
}

export interface TemplateOptions {
  /** optional network/velocity date limits (YYYYMMDD) as in the Central Valley notebook */
  startDate?: string;
  endDate?: string;
}

/** The MintPy template (paths relative to `<outDir>/mintpy/`). */
export function mintpyTemplate(t: TemplateOptions = {}): string {
  const lines = [
    '',
    ...Object.entries(ARIA_LOAD_KEYS).map(([k, v]) => `${k} = ${v}`),
    'mintpy.compute.numWorker = auto',
    'mintpy.topographicResidual.pixelwiseGeometry = no',
    'mintpy.troposphericDelay.method = no',
    'mintpy.topographicResidual = no',
    'mintpy.network.tempBaseMax = auto',
  ];
  if (t.startDate) lines.push(`mintpy.network.startDate = ${t.startDate}`);
  if (t.endDate) lines.push(`mintpy.network.endDate = ${t.endDate}`);
  if (t.startDate) lines.push(`mintpy.velocity.startDate = ${t.startDate}`);
  if (t.endDate) lines.push(`mintpy.velocity.endDate = ${t.endDate}`);
  lines.push(
    'mintpy.reference.lalo = auto',
    'mintpy.network.excludeIfgIndex = auto',
    'mintpy.networkInversion.weightFunc = var',
    'mintpy.plot = no',
    'mintpy.save.kmz = yes',
  );
  return lines.join('\n') + '\n';
}
