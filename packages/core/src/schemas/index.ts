// The contract shared by the API and the web UI. Imports only zod: safe in the browser.
export * from './account';
export * from './auth';
export * from './common';
export * from './connection';
export * from './defaults';
export * from './inbox';
export * from './issues';
export * from './logs';
export * from './messages';
export * from './oauth';
export * from './reports';
export * from './suppressions';
export * from './verification';
export * from './webhooks';
