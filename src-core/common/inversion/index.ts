/** Network inversion (mintpy-algorithms.md §5): public API of the kernels used by the invert_network step. */
export { invertTile, type InvertTileInput, type InvertTileOutput, type MaskDatasetName } from './invertTile';
export { networkDesign, bperpTimeseries, tbaseYearsFloat32, toPairs, type NetworkDesign } from './design';
export {
  WeightTable,
  WEIGHT_FUNCS,
  numLooksFromAttrs,
  parseWeightFunc,
  phaseVarianceLut,
  coherenceLutNodes,
  type WeightFunc,
} from './weights';
