/**
 * Defaults of MintPy 1.5.1's smallbaselineApp for every `auto` key (smallbaselineApp_auto.cfg), and what
 * each key accepts (MINTPY_VALUES). Any other key in a user's template is kept and reported, with the
 * nearest known key when it looks like a typo (config/check.ts).
 */
import { WEIGHT_FUNCS, parseWeightFunc } from '../inversion/weights';
export const MINTPY_DEFAULTS: Readonly<Record<string, string>> = {
  'mintpy.compute.maxMemory': '4',
  'mintpy.compute.cluster': 'none',
  'mintpy.compute.numWorker': '4',
  'mintpy.compute.config': 'none',
  'mintpy.load.processor': 'isce',
  'mintpy.load.autoPath': 'no',
  'mintpy.load.updateMode': 'yes',
  'mintpy.load.compression': 'no',
  'mintpy.subset.yx': 'no',
  'mintpy.subset.lalo': 'no',
  'mintpy.multilook.method': 'nearest',
  'mintpy.multilook.ystep': '1',
  'mintpy.multilook.xstep': '1',
  'mintpy.network.tempBaseMax': 'no',
  'mintpy.network.perpBaseMax': 'no',
  'mintpy.network.connNumMax': 'no',
  'mintpy.network.startDate': 'no',
  'mintpy.network.endDate': 'no',
  'mintpy.network.excludeDate': 'no',
  'mintpy.network.excludeIfgIndex': 'no',
  'mintpy.network.referenceFile': 'no',
  'mintpy.network.coherenceBased': 'no',
  'mintpy.network.minCoherence': '0.7',
  'mintpy.network.areaRatioBased': 'no',
  'mintpy.network.minAreaRatio': '0.75',
  'mintpy.network.keepMinSpanTree': 'yes',
  'mintpy.network.maskFile': 'waterMask.h5',
  'mintpy.network.aoiYX': 'no',
  'mintpy.network.aoiLALO': 'no',
  'mintpy.reference.yx': 'no',
  'mintpy.reference.lalo': 'no',
  'mintpy.reference.maskFile': 'maskConnComp.h5',
  'mintpy.reference.coherenceFile': 'avgSpatialCoh.h5',
  'mintpy.reference.minCoherence': '0.85',
  'mintpy.unwrapError.method': 'no',
  'mintpy.unwrapError.waterMaskFile': 'waterMask.h5',
  'mintpy.unwrapError.connCompMinArea': '2.5e3',
  'mintpy.unwrapError.numSample': '100',
  'mintpy.unwrapError.ramp': 'no',
  'mintpy.unwrapError.bridgePtsRadius': '50',
  'mintpy.networkInversion.weightFunc': 'var',
  'mintpy.networkInversion.waterMaskFile': 'waterMask.h5',
  'mintpy.networkInversion.minNormVelocity': 'yes',
  'mintpy.networkInversion.maskDataset': 'no',
  'mintpy.networkInversion.maskThreshold': '0.4',
  'mintpy.networkInversion.minRedundancy': '1.0',
  'mintpy.networkInversion.minTempCoh': '0.7',
  'mintpy.networkInversion.minNumPixel': '100',
  'mintpy.networkInversion.shadowMask': 'yes',
  'mintpy.solidEarthTides': 'no',
  'mintpy.troposphericDelay.method': 'pyaps',
  'mintpy.troposphericDelay.weatherModel': 'ERA5',
  'mintpy.troposphericDelay.weatherDir': '${WEATHER_DIR}',
  'mintpy.troposphericDelay.polyOrder': '1',
  'mintpy.troposphericDelay.looks': '8',
  'mintpy.troposphericDelay.minCorrelation': '0',
  'mintpy.troposphericDelay.gacosDir': './GACOS',
  'mintpy.deramp': 'no',
  'mintpy.deramp.maskFile': 'maskTempCoh.h5',
  'mintpy.topographicResidual': 'yes',
  'mintpy.topographicResidual.polyOrder': '2',
  'mintpy.topographicResidual.phaseVelocity': 'no',
  'mintpy.topographicResidual.stepFuncDate': 'no',
  'mintpy.topographicResidual.excludeDate': 'exclude_date.txt',
  'mintpy.topographicResidual.pixelwiseGeometry': 'yes',
  'mintpy.residualRMS.maskFile': 'maskTempCoh.h5',
  'mintpy.residualRMS.deramp': 'quadratic',
  'mintpy.residualRMS.cutoff': '3',
  'mintpy.reference.date': 'reference_date.txt',
  'mintpy.timeFunc.startDate': 'no',
  'mintpy.timeFunc.endDate': 'no',
  'mintpy.timeFunc.excludeDate': 'exclude_date.txt',
  'mintpy.timeFunc.polynomial': '1',
  'mintpy.timeFunc.periodic': 'no',
  'mintpy.timeFunc.stepDate': 'no',
  'mintpy.timeFunc.exp': 'no',
  'mintpy.timeFunc.log': 'no',
  'mintpy.timeFunc.uncertaintyQuantification': 'residue',
  'mintpy.timeFunc.timeSeriesCovFile': 'no',
  'mintpy.timeFunc.bootstrapCount': '400',
  'mintpy.geocode': 'yes',
  'mintpy.geocode.SNWE': 'none',
  'mintpy.geocode.laloStep': 'none',
  'mintpy.geocode.interpMethod': 'nearest',
  'mintpy.geocode.fillValue': 'np.nan',
  'mintpy.save.kmz': 'yes',
  'mintpy.save.hdfEos5': 'no',
  'mintpy.save.hdfEos5.update': 'no',
  'mintpy.save.hdfEos5.subset': 'no',
  'mintpy.plot': 'yes',
  'mintpy.plot.dpi': '150',
  'mintpy.plot.maxMemory': '4',
};

/**
 * Keys that MintPy's ARIA loader reads (mintpy.load.*File patterns); `auto` means "not given".
 */
export const LOAD_FILE_KEYS = [
  'mintpy.load.unwFile',
  'mintpy.load.corFile',
  'mintpy.load.connCompFile',
  'mintpy.load.intFile',
  'mintpy.load.magFile',
  'mintpy.load.demFile',
  'mintpy.load.lookupYFile',
  'mintpy.load.lookupXFile',
  'mintpy.load.incAngleFile',
  'mintpy.load.azAngleFile',
  'mintpy.load.shadowMaskFile',
  'mintpy.load.waterMaskFile',
  'mintpy.load.bperpFile',
  'mintpy.load.metaFile',
  'mintpy.load.baselineDir',
  'mintpy.load.ionUnwFile',
  'mintpy.load.ionCorFile',
  'mintpy.load.ionConnCompFile',
  'mintpy.load.azOffFile',
  'mintpy.load.rgOffFile',
  'mintpy.load.azOffStdFile',
  'mintpy.load.rgOffStdFile',
  'mintpy.load.offSnrFile',
] as const;

/** Non-file mintpy.load.* keys of newer MintPy loaders (NISAR: frequency = auto | A | B; auto = A). */
export const LOAD_OPTION_KEYS = ['mintpy.load.frequency'] as const;

/** The spellings Template.bool takes for yes and for no. */
export const YES_VALUES = ['yes', 'true', 'y', '1', 'on'] as const;
export const NO_VALUES = ['no', 'false', 'n', '0', 'off', 'none'] as const;

/**
 * What a key accepts (MintPy 1.5.1's smallbaselineApp.cfg, narrowed to what InSAR Studio implements).
 * `auto` is always accepted. A value outside these is bad input: the run stops before any work with one line
 * naming the template, the key and the accepted values (config/check.ts).
 */
export type ValueSpec =
  | { kind: 'yes/no' }
  | {
      kind: 'choice';
      values: readonly string[];
      /** MintPy's looser spellings → one of `values`, or null (e.g. weightFunc 'sbas' → 'no') */
      normalize?: (v: string) => string | null;
      /** compare case-insensitively */
      anyCase?: boolean;
    }
  | { kind: 'number'; min?: number; max?: number; integer?: boolean; orNo?: boolean }
  | { kind: 'date'; orNo?: boolean }
  /** two numbers `a,b` (a pixel y,x or a lat,lon) */
  | { kind: 'pair'; integer?: boolean; orNo?: boolean };

const yesNo: ValueSpec = { kind: 'yes/no' };
const fraction: ValueSpec = { kind: 'number', min: 0, max: 1 };
const dateOrNo: ValueSpec = { kind: 'date', orNo: true };
const choice = (values: readonly string[], more: Partial<Extract<ValueSpec, { kind: 'choice' }>> = {}): ValueSpec => ({
  kind: 'choice',
  values,
  ...more,
});
const orNone = (v: string) => (/^(no|none|false)$/i.test(v) ? 'no' : null);

export const MINTPY_VALUES: Readonly<Record<string, ValueSpec>> = {
  'mintpy.compute.maxMemory': { kind: 'number', min: 0 },
  'mintpy.load.processor': choice(['isce', 'aria', 'hyp3', 'gmtsar', 'snap', 'gamma', 'roipac', 'nisar'], {
    anyCase: true,
  }),
  'mintpy.load.autoPath': yesNo,
  'mintpy.load.updateMode': yesNo,
  'mintpy.load.compression': choice(['gzip', 'lzf', 'no'], { normalize: orNone }),
  'mintpy.multilook.method': choice(['nearest', 'mean', 'median'], { anyCase: true }),
  'mintpy.multilook.ystep': { kind: 'number', min: 1, integer: true },
  'mintpy.multilook.xstep': { kind: 'number', min: 1, integer: true },
  'mintpy.network.tempBaseMax': { kind: 'number', min: 0, orNo: true },
  'mintpy.network.perpBaseMax': { kind: 'number', min: 0, orNo: true },
  'mintpy.network.connNumMax': { kind: 'number', min: 1, integer: true, orNo: true },
  'mintpy.network.startDate': dateOrNo,
  'mintpy.network.endDate': dateOrNo,
  'mintpy.network.coherenceBased': yesNo,
  'mintpy.network.minCoherence': fraction,
  'mintpy.network.areaRatioBased': yesNo,
  'mintpy.network.minAreaRatio': fraction,
  'mintpy.network.keepMinSpanTree': yesNo,
  'mintpy.reference.yx': { kind: 'pair', integer: true, orNo: true },
  'mintpy.reference.lalo': { kind: 'pair', orNo: true },
  'mintpy.reference.minCoherence': fraction,
  'mintpy.unwrapError.method': choice(['bridging', 'phase_closure', 'bridging+phase_closure', 'no'], {
    normalize: orNone,
  }),
  'mintpy.networkInversion.weightFunc': choice(WEIGHT_FUNCS, {
    normalize: (v) => {
      try {
        return parseWeightFunc(v);
      } catch {
        return null;
      }
    },
  }),
  'mintpy.networkInversion.minNormVelocity': yesNo,
  'mintpy.networkInversion.maskDataset': choice(['coherence', 'connectComponent', 'offsetSNR', 'no'], {
    normalize: orNone,
  }),
  'mintpy.networkInversion.maskThreshold': { kind: 'number', min: 0 },
  'mintpy.networkInversion.minRedundancy': { kind: 'number', min: 0 },
  'mintpy.networkInversion.minTempCoh': fraction,
  'mintpy.networkInversion.minNumPixel': { kind: 'number', min: 0, integer: true },
  'mintpy.networkInversion.shadowMask': yesNo,
  'mintpy.solidEarthTides': yesNo,
  'mintpy.troposphericDelay.method': choice(['pyaps', 'height_correlation', 'gacos', 'no'], { normalize: orNone }),
  'mintpy.deramp': choice(['no', 'linear', 'quadratic'], { normalize: orNone }),
  'mintpy.topographicResidual': yesNo,
  'mintpy.topographicResidual.polyOrder': { kind: 'number', min: 1, integer: true },
  'mintpy.topographicResidual.phaseVelocity': yesNo,
  'mintpy.topographicResidual.pixelwiseGeometry': yesNo,
  'mintpy.residualRMS.deramp': choice(['quadratic', 'linear', 'no'], { normalize: orNone }),
  'mintpy.residualRMS.cutoff': { kind: 'number', min: 0 },
  'mintpy.timeFunc.startDate': dateOrNo,
  'mintpy.timeFunc.endDate': dateOrNo,
  'mintpy.timeFunc.polynomial': { kind: 'number', min: 0, integer: true },
  'mintpy.timeFunc.uncertaintyQuantification': choice(['residue', 'covariance', 'bootstrap']),
  'mintpy.timeFunc.bootstrapCount': { kind: 'number', min: 1, integer: true },
  'mintpy.save.kmz': yesNo,
  'mintpy.plot': yesNo,
};
