/** The deterministic synthetic ARIA-tools stack generator (demo data and benchmark stacks). */
export {
  generateDemoStack,
  writeDemo,
  readDemoTruth,
  readTruthRaster,
  TRUTH_FILES,
  TRUTH_JSON,
  DEMO_MARKER,
  type DemoInfo,
  type DemoTruth,
  type DemoOptions,
  type DemoPair,
  type Ellipse,
  type PixelBox,
} from './generate';
export { DEFAULT_DEMO_OPTIONS, resolveDemoOptions } from '../../common/demo/options';
export { inEllipse } from '../../common/demo/scene';
