/** Time functions (mintpy-algorithms.md §6): public API of the kernels used by the velocity step. */
export { fitTile, evaluateModel, Xoshiro128, type FitTileInput, type FitTileOutput } from './fitTile';
export { selectDates, timeFuncDesign, type DateSelection } from './design';
export {
  datasetSpecs,
  defaultModel,
  numParams,
  parseTimeFuncOptions,
  timeFuncAttributes,
  validateModel,
  pyFloatRepr,
  parseDateListText,
  type DatasetSpec,
  type OnsetTerm,
  type TimeFuncModel,
  type TimeFuncOptions,
  type UncertaintyMethod,
} from './model';
