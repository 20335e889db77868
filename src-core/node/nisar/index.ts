/** NISAR secular-requirement validation (docs/nisar-secular-validation.md): public API. */
export * from '../../common/nisar/requirement';
export * from '../../common/nisar/geometry';
export { SeededRandom, sampleWithoutReplacement } from '../../common/nisar/prng';
export * from './velocityField';
export * from '../../common/nisar/gnssFormats';
export { loadGnssInputs, type GnssInputs } from './gnssFiles';
export * from './gnssSeries';
export * from './method1';
export * from './method2';
export * from '../../common/nisar/variogram';
export * from '../../common/nisar/sites';
export { validateSecular, resolveBinning, type ValidateOptions, type ValidationResult } from './validate';
export { reportHtml, resultJson, tableCsv, tableRows, writeValidationReport, type ReportPaths } from './report';
export { validationFigureSvg, velocityMapSvg, semivariogramSvg, stationSeriesSvg, histogramsSvg } from './figures';
