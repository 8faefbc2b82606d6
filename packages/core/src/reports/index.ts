export { accountsCsv } from './accountsCsv';
export { csvCell } from './csv';
export { deliveryCsv } from './deliveryCsv';
export { deliveryReport } from './deliveryReport';
