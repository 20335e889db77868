/** Export helpers: atomic output (the same writer the pipeline uses) and XML escaping. */
export { writeFileAtomic } from '../util/atomicFile';
export { xmlEscape } from '../../common/export/xml';
