/** NISAR secular-requirement validation (docs/nisar-secular-validation.md): public API. */
export * from './requirement';
export * from './geometry';
export { SeededRandom, sampleWithoutReplacement } from './prng';
export * from './velocityField';
export * from './gnssFormats';
export { loadGnssInputs, type GnssInputs } from './gnssFiles';
export * from './gnssSeries';
export * from './method1';
export * from './method2';
export * from './variogram';
export * from './sites';
export { validateSecular, resolveBinning, type ValidateOptions, type ValidationResult } from './validate';
export { reportHtml, resultJson, tableCsv, tableRows, writeValidationReport, type ReportPaths } from './report';
export { validationFigureSvg, velocityMapSvg, semivariogramSvg, stationSeriesSvg, histogramsSvg } from './figures';
