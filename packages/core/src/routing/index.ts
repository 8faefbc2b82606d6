export { explainRoute } from './explainRoute';
export { type Route, resolveRoute } from './resolveRoute';
