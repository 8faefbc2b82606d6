export { getDefaults } from './getDefaults';
export { setDefault } from './setDefault';
