export { healthFromTests, type LastTest } from './fromTests';
