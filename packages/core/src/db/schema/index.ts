export * from './accounts';
export * from './connectionTests';
export * from './inbox';
export * from './loginAttempts';
export * from './logs';
export * from './messages';
export * from './traffic';
export * from './users';
