/**
 * The mintpy.load.* keys for an `ariaTSsetup` folder, relative to a template in its `mintpy/` subfolder (the
 * layout the demo writes and project detection proposes).
 */
export const ARIA_LOAD_KEYS = {
  'mintpy.load.processor': 'aria',
  'mintpy.load.unwFile': '../stack/unwrapStack.vrt',
  'mintpy.load.corFile': '../stack/cohStack.vrt',
  'mintpy.load.connCompFile': '../stack/connCompStack.vrt',
  'mintpy.load.demFile': '../DEM/SRTM_3arcsec.dem',
  'mintpy.load.incAngleFile': '../incidenceAngle/*.vrt',
  'mintpy.load.azAngleFile': '../azimuthAngle/*.vrt',
  'mintpy.load.waterMaskFile': '../mask/watermask.msk',
} as const;
