export { explainRoute } from './explainRoute';
export { planRoute, type RouteInput, type RoutePlan, requestedFrom } from './planRoute';
export { type Route, type RouteChoice, resolveRoute } from './resolveRoute';
export { decideSendAs, maySendAs, type SendingAccount } from './sendAs';
