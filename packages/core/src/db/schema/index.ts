export * from './accounts';
export * from './inbox';
export * from './loginAttempts';
export * from './logs';
export * from './messages';
export * from './users';
