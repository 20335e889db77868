/** The step table: MintPy's step names → the functions that run them. */
import { loadData } from '../load/loadData';
import { modifyNetwork } from '../steps/modifyNetwork';
import { referencePoint } from '../steps/referencePoint';
import { quickOverview } from '../steps/quickOverview';
import { invertNetwork } from '../steps/invertNetwork';
import { correctTopography } from '../steps/correctTopography';
import { residualRms } from '../steps/residualRms';
import { referenceDate } from '../steps/referenceDate';
import { velocity } from '../steps/velocity';
import { googleEarth } from '../steps/googleEarth';
import type { StepFn, StepName } from '../../common/pipeline/types';

export const STEPS: Record<StepName, StepFn> = {
  load_data: loadData,
  modify_network: modifyNetwork,
  reference_point: referencePoint,
  quick_overview: quickOverview,
  invert_network: invertNetwork,
  correct_topography: correctTopography,
  residual_RMS: residualRms,
  reference_date: referenceDate,
  velocity,
  google_earth: googleEarth,
};
