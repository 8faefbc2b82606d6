export * from './accounts';
export * from './logs';
export * from './messages';
export * from './users';
export * from './inbox';
