export { accountsCsv } from './accountsCsv';
export { csvCell } from './csv';
export { deliveryReport } from './deliveryReport';
